import { useState } from 'react';
import { createPortal } from 'react-dom';
import { useShallow } from 'zustand/react/shallow';
import { DiagnosticsDialog } from '../features/diagnostics/diagnostics-dialog';
import { useStudio } from '../store/store-context';

const connectionText = {
  connecting: 'Connecting…',
  open: 'Connected',
  closed:
    'Disconnected from the studio server. If you restarted it, open the new address it printed.',
} as const;

/**
 * Connection, the training backend (the running run's, else the startup diagnosis; a button
 * that opens the GPU doctor), the backend a finished run was saved with, and the data folder.
 */
export function StatusBar() {
  const [doctorOpen, setDoctorOpen] = useState(false);
  const s = useStudio(
    useShallow((state) => ({
      connection: state.connection,
      runBackend: state.runBackend,
      runActive: state.runStatus === 'running' || state.runStatus === 'starting',
      saved: state.runSummary?.backend ?? null,
      report: state.backendReport,
      backendError: state.backendError,
      info: state.appInfo,
    })),
  );
  const backend =
    (s.runActive ? s.runBackend : null) ??
    s.report?.description ??
    s.runBackend ??
    (s.backendError ? 'unknown' : 'checking…');
  const fallbacks = s.report?.attempts.filter((attempt) => !attempt.ok).length ?? 0;
  return (
    <footer className="status-bar" role="contentinfo">
      <span className={`dot dot-${s.connection}`} aria-hidden="true" />
      <span role="status">{connectionText[s.connection]}</span>
      <span className="sep" aria-hidden="true" />
      <button
        type="button"
        className="status-button status-shrinks"
        aria-haspopup="dialog"
        title="Open the GPU doctor: which backends load and how to get a faster one"
        onClick={() => setDoctorOpen(true)}
      >
        Backend: <strong data-testid="backend">{backend}</strong>
        {s.backendError || fallbacks > 0 ? (
          <span className="status-hint">{s.backendError ? '⚠ check' : 'details'}</span>
        ) : null}
      </button>
      {s.saved && !s.runActive ? (
        <>
          <span className="sep" aria-hidden="true" />
          <span
            className="status-shrinks"
            title={`The backend recorded in the finished run: ${s.saved}`}
          >
            Last run: <strong data-testid="run-backend">{s.saved}</strong>
          </span>
        </>
      ) : null}
      {s.info ? (
        <>
          <span className="sep" aria-hidden="true" />
          <span
            className="mono status-path status-shrinks"
            title={`Data folder (runs, cache): ${s.info.dataDir}`}
          >
            {s.info.dataDir}
          </span>
          <span className="spacer" />
          <span>
            {s.info.shell === 'web' ? 'Web' : 'Desktop'} · v{s.info.version}
          </span>
        </>
      ) : null}
      {/* Portalled out of the footer, so the dialog inherits none of the bar's small type. */}
      {createPortal(
        <DiagnosticsDialog open={doctorOpen} onClose={() => setDoctorOpen(false)} />,
        document.body,
      )}
    </footer>
  );
}
