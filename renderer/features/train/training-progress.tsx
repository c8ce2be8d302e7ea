import { useShallow } from 'zustand/react/shallow';
import { Alert } from '../../components/alert';
import { ProgressBar } from '../../components/progress-bar';
import { Stat } from '../../components/stat';
import {
  epochDurationMs,
  formatDuration,
  formatPercent,
  formatShortDuration,
} from '../../components/format';
import { useStudio } from '../../store/store-context';
import { isRunActive } from '../../store/training-slice';

const statusText = {
  idle: 'Not started',
  starting: 'Starting…',
  running: 'Training',
  completed: 'Finished',
  cancelled: 'Cancelled',
  failed: 'Failed',
} as const;

/** Words for the worker's phase ids; unknown ones are shown as they come. */
const phaseText: Record<string, string> = {
  starting: 'Starting the training worker',
  backend: 'Loading the compute backend',
  'loading-model': 'Loading the base model',
  'features-train': 'Computing features of the training images',
  'features-val': 'Computing features of the validation images',
  'features-train-done': 'Training images ready',
  'features-val-done': 'Validation images ready',
  cache: 'Feature cache ready',
  'training-head': 'Training the head',
  'training-fine-tune': 'Fine-tuning the base',
  'training-extension': 'Training the extra epochs',
  'early-stopping': 'Stopping early',
  'restored-best': 'Keeping the best epoch',
  extended: 'Extended',
  saving: 'Saving the model',
  paused: 'Paused',
  resumed: 'Training',
};

export function describePhase(phase: string | null): string | null {
  if (!phase) return null;
  return phaseText[phase] ?? phase.replace(/-/g, ' ');
}

function formatRate(rate: number | undefined): string {
  if (rate === undefined || !Number.isFinite(rate)) return '—';
  return rate >= 0.001 ? String(Number(rate.toPrecision(2))) : rate.toExponential(1);
}

/** Where the run stands: phase and its progress, epoch, speed, rate, time left, any error. */
export function TrainingProgress() {
  const s = useStudio(
    useShallow((state) => ({
      status: state.runStatus,
      paused: state.paused,
      phase: state.phase,
      phaseMessage: state.phaseMessage,
      phaseProgress: state.phaseProgress,
      phaseEtaMs: state.phaseEtaMs,
      lastBatch: state.lastBatch,
      epochs: state.epochMetrics,
      planned: state.plannedEpochs ?? Number(state.trainParams.epochs),
      summary: state.runSummary,
      error: state.trainError,
    })),
  );
  const last = s.epochs[s.epochs.length - 1];
  const epochNow = s.lastBatch
    ? s.lastBatch.epoch - 1 + s.lastBatch.batch / s.lastBatch.batches
    : (last?.epoch ?? 0);
  const active = isRunActive(s.status);
  const inFit = s.lastBatch !== null || s.epochs.length > 0;
  const phaseLabel = describePhase(s.phase) ?? 'Preparing';
  const inPhase = active && s.phaseProgress !== null && s.phaseProgress < 1;
  // Before the first epoch (features still computing) the phase's own estimate is the best one.
  const phaseLeft = inPhase && !inFit && s.phaseEtaMs !== null ? s.phaseEtaMs : undefined;
  const pill = s.paused ? 'paused' : s.status;
  const stoppedEarly =
    s.summary?.status === 'completed' && s.summary.epochsDone < s.summary.epochsPlanned;
  // Once the run is done, the saved model is what the user gets: the best epoch's weights when
  // early stopping kept them, which need not be the last epoch shown in the table.
  const savedAccuracy = s.status === 'completed' ? s.summary?.finalValAccuracy : undefined;
  return (
    <section className="card training-progress" aria-label="Training progress" data-status={pill}>
      <div className="progress-head">
        <span className={`status-pill status-${pill}`} data-testid="run-status">
          {s.paused ? 'Paused' : statusText[s.status]}
        </span>
        <span className="muted" data-testid="run-phase">
          {s.paused
            ? s.phase === 'paused'
              ? `${s.phaseMessage ?? 'Paused'}. Resume to go on, or cancel.`
              : 'Pausing before the next batch…'
            : (s.phaseMessage ??
              describePhase(s.phase) ??
              (s.status === 'idle' ? 'Press Start to train with these settings.' : ''))}
        </span>
      </div>
      {inPhase ? (
        <div className="phase-bar" data-testid="phase-progress">
          <span className="small muted">
            {phaseLabel} · {Math.round((s.phaseProgress ?? 0) * 100)}%
            {s.phaseEtaMs !== null ? (
              <span data-testid="phase-eta"> · about {formatDuration(s.phaseEtaMs)} left</span>
            ) : null}
          </span>
          <ProgressBar label={phaseLabel} value={s.phaseProgress} />
        </div>
      ) : null}
      {/* One bar per phase: the epochs' bar once epochs run (or when no phase bar shows). */}
      {active && (inFit || !inPhase) ? (
        <div className="phase-bar">
          <span className="small muted">
            {inFit
              ? `Training: ${Math.round(Math.min(1, epochNow / Math.max(1, s.planned)) * 100)}% of the planned epochs`
              : phaseLabel}
          </span>
          <ProgressBar
            label="Training progress"
            value={inFit ? Math.min(1, epochNow / Math.max(1, s.planned)) : null}
          />
        </div>
      ) : null}
      <div className="stats compact">
        <Stat
          label="Epochs done"
          value={`${last?.epoch ?? 0} of ${s.planned}`}
          testId="epochs-done"
        />
        <Stat
          label="Last epoch took"
          value={formatShortDuration(epochDurationMs(s.epochs, s.epochs.length - 1))}
          testId="epoch-time"
        />
        <Stat
          label="Learning rate"
          value={formatRate(last?.learningRate)}
          testId="learning-rate-now"
        />
        <Stat
          label={
            savedAccuracy !== undefined
              ? 'Validation accuracy (saved model)'
              : 'Validation accuracy'
          }
          value={formatPercent(savedAccuracy ?? last?.valAccuracy)}
          testId="val-accuracy"
        />
        <Stat
          label={
            active ? (phaseLeft !== undefined ? 'Time left (this step)' : 'Time left') : 'Duration'
          }
          value={
            active
              ? phaseLeft !== undefined
                ? formatDuration(phaseLeft)
                : // An extended run's last epoch said 0 left before the extension: no estimate yet.
                  last && (last.etaMs > 0 || last.epoch >= s.planned)
                  ? formatDuration(last.etaMs)
                  : '—'
              : s.summary?.durationMs
                ? formatDuration(s.summary.durationMs)
                : '—'
          }
          testId="time-left"
        />
      </div>
      {stoppedEarly ? (
        <p className="muted small" data-testid="stopped-early">
          Stopped early after {s.summary?.epochsDone} of {s.summary?.epochsPlanned} epochs: the
          validation loss stopped improving, and the best epoch’s weights were kept.
        </p>
      ) : null}
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
