import { useShallow } from 'zustand/react/shallow';
import { Alert } from '../../components/alert';
import { ProgressBar } from '../../components/progress-bar';
import { Stat } from '../../components/stat';
import { formatDuration, formatPercent } from '../../components/format';
import { useStudio } from '../../store/store-context';

const statusText = {
  idle: 'Not started',
  starting: 'Starting…',
  running: 'Training',
  completed: 'Finished',
  cancelled: 'Cancelled',
  failed: 'Failed',
} as const;

/** Where the run stands: phase and its progress, epoch, speed, accuracy, and any error. */
export function TrainingProgress() {
  const s = useStudio(
    useShallow((state) => ({
      status: state.runStatus,
      phase: state.phase,
      phaseMessage: state.phaseMessage,
      phaseProgress: state.phaseProgress,
      lastBatch: state.lastBatch,
      epochs: state.epochMetrics,
      planned: state.runSummary?.epochsPlanned ?? Number(state.trainParams.epochs),
      summary: state.runSummary,
      error: state.trainError,
    })),
  );
  const last = s.epochs[s.epochs.length - 1];
  const epochNow = s.lastBatch
    ? s.lastBatch.epoch - 1 + s.lastBatch.batch / s.lastBatch.batches
    : s.epochs.length;
  const active = s.status === 'running' || s.status === 'starting';
  const inFit = s.lastBatch !== null || s.epochs.length > 0;
  return (
    <section
      className="card training-progress"
      aria-label="Training progress"
      data-status={s.status}
    >
      <div className="progress-head">
        <span className={`status-pill status-${s.status}`} data-testid="run-status">
          {statusText[s.status]}
        </span>
        <span className="muted" data-testid="run-phase">
          {s.phaseMessage ??
            s.phase ??
            (s.status === 'idle' ? 'Set the options and press Start.' : '')}
        </span>
      </div>
      {active ? (
        <ProgressBar
          label={inFit ? 'Training progress' : (s.phase ?? 'Preparing')}
          value={inFit ? Math.min(1, epochNow / Math.max(1, s.planned)) : s.phaseProgress}
        />
      ) : null}
      <div className="stats compact">
        <Stat label="Epoch" value={`${s.epochs.length} / ${s.planned}`} testId="epochs-done" />
        <Stat
          label="Images / s"
          value={last ? Math.round(last.imagesPerSecond).toString() : '—'}
          testId="images-per-second"
        />
        <Stat label="Train accuracy" value={formatPercent(last?.trainAccuracy)} />
        <Stat
          label="Validation accuracy"
          value={formatPercent(last?.valAccuracy)}
          testId="val-accuracy"
        />
        <Stat
          label={active ? 'Time left' : 'Duration'}
          value={
            active
              ? last
                ? formatDuration(last.etaMs)
                : '—'
              : s.summary?.durationMs
                ? formatDuration(s.summary.durationMs)
                : '—'
          }
        />
      </div>
      {s.error ? (
        <Alert title="Training stopped with an error">
          <p>{s.error}</p>
          <p className="muted">
            Check the dataset and model tabs, then start again. The run folder keeps what was done
            so far.
          </p>
        </Alert>
      ) : null}
    </section>
  );
}
