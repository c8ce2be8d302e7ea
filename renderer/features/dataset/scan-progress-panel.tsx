import { useShallow } from 'zustand/react/shallow';
import { ProgressBar } from '../../components/progress-bar';
import { formatCount, formatDuration } from '../../components/format';
import { useStudio } from '../../store/store-context';

/**
 * What a running scan is doing: phase, count, files/s, time left, a bar, and Cancel. Events
 * arrive at most ten a second (the services throttle them), so this re-renders cheaply.
 */
export function ScanProgressPanel() {
  const { progress, cancel } = useStudio(
    useShallow((s) => ({ progress: s.scanProgress, cancel: s.cancelScan })),
  );
  const fraction = progress?.total ? progress.done / progress.total : null;
  const phase = progress?.phase === 'checking' ? 'Checking images' : 'Listing files';
  return (
    <section className="card scan-progress" aria-label="Scan progress" data-testid="scan-progress">
      <div className="scan-progress-row">
        <strong>{phase}</strong>
        <span data-testid="scan-count">
          {progress
            ? `${formatCount(progress.done)}${progress.total !== undefined ? ` of ${formatCount(progress.total)}` : ''} files`
            : 'Starting…'}
        </span>
        {progress?.filesPerSecond !== undefined ? (
          <span className="muted" data-testid="scan-rate">
            {formatCount(Math.round(progress.filesPerSecond))} files/s
          </span>
        ) : null}
        {progress?.etaSeconds !== undefined ? (
          <span className="muted" data-testid="scan-eta">
            about {formatDuration(progress.etaSeconds * 1000)} left
          </span>
        ) : null}
        <button type="button" className="btn small scan-cancel" onClick={() => void cancel()}>
          Cancel scan
        </button>
      </div>
      <ProgressBar label="Scanning the dataset" value={fraction} />
    </section>
  );
}
