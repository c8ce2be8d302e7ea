import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../store/store-context';

const connectionText = {
  connecting: 'Connecting…',
  open: 'Connected',
  closed:
    'Disconnected from the studio server. If you restarted it, open the new address it printed.',
} as const;

/** Connection, training backend (the run's, else the startup diagnosis) and where data lives. */
export function StatusBar() {
  const s = useStudio(
    useShallow((state) => ({
      connection: state.connection,
      runBackend: state.runBackend,
      report: state.backendReport,
      backendError: state.backendError,
      info: state.appInfo,
    })),
  );
  const backend =
    s.runBackend ?? s.report?.description ?? (s.backendError ? 'unknown' : 'checking…');
  const fallbacks = s.report?.attempts.filter((attempt) => !attempt.ok) ?? [];
  const backendTitle = [
    s.backendError,
    ...fallbacks.map(
      (attempt) => `${attempt.name}: ${attempt.detail}${attempt.fix ? ` — ${attempt.fix}` : ''}`,
    ),
  ]
    .filter(Boolean)
    .join('\n');
  return (
    <footer className="status-bar" role="contentinfo">
      <span className={`dot dot-${s.connection}`} aria-hidden="true" />
      <span role="status">{connectionText[s.connection]}</span>
      <span className="sep" aria-hidden="true" />
      <span title={backendTitle || undefined}>
        Backend: <strong data-testid="backend">{backend}</strong>
      </span>
      {s.info ? (
        <>
          <span className="sep" aria-hidden="true" />
          <span className="mono" title="Data folder (runs, cache)">
            {s.info.dataDir}
          </span>
          <span className="spacer" />
          <span>
            {s.info.shell === 'web' ? 'Web' : 'Desktop'} · v{s.info.version}
          </span>
        </>
      ) : null}
    </footer>
  );
}
