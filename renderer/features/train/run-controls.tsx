import { useId, type FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Alert } from '../../components/alert';
import { useStudio } from '../../store/store-context';
import { extendBlocker, isRunActive, parseExtendEpochs } from '../../store/training-slice';

/**
 * Start, Pause/Resume, Cancel and "Extend by N epochs". Every button stays in place and is
 * enabled only when its action makes sense now, so the row never jumps under the pointer and
 * keyboard focus is never lost to a button that disappears.
 */
export function RunControls(props: { formId: string }) {
  const s = useStudio(
    useShallow((state) => ({
      status: state.runStatus,
      paused: state.paused,
      runId: state.runId,
      busy: state.controlBusy,
      error: state.controlError,
      blockers: state.trainBlockers().join('\n'),
      extendEpochs: state.extendEpochs,
      hasSummary: state.runSummary !== null,
      extendBlocker: extendBlocker(state.runSummary, state.dataset),
      pause: state.pauseTraining,
      resume: state.resumeTraining,
      cancel: state.cancelTraining,
      setExtend: state.setExtendEpochs,
      extend: state.extendTraining,
    })),
  );
  const extendId = useId();
  const active = isRunActive(s.status);
  const running = s.status === 'running' && s.runId !== null;
  const blockers = s.blockers ? s.blockers.split('\n') : [];
  const canExtend =
    (running || (s.status === 'completed' && s.hasSummary && s.extendBlocker === null)) &&
    parseExtendEpochs(s.extendEpochs) !== null &&
    s.busy === null;

  function submitExtend(event: FormEvent): void {
    event.preventDefault();
    if (canExtend) void s.extend();
  }

  return (
    <div className="run-controls-wrap">
      <div className="run-controls" role="group" aria-label="Run controls">
        <button
          type="submit"
          form={props.formId}
          className="btn primary"
          disabled={active || blockers.length > 0}
        >
          {s.status === 'starting' ? 'Starting…' : 'Start training'}
        </button>
        {s.paused ? (
          <button
            type="button"
            className="btn"
            onClick={() => void s.resume()}
            disabled={!running || s.busy !== null}
          >
            {s.busy === 'resume' ? 'Resuming…' : 'Resume'}
          </button>
        ) : (
          <button
            type="button"
            className="btn"
            onClick={() => void s.pause()}
            disabled={!running || s.busy !== null}
          >
            {s.busy === 'pause' ? 'Pausing…' : 'Pause'}
          </button>
        )}
        <button
          type="button"
          className="btn danger"
          onClick={() => void s.cancel()}
          disabled={!active || s.runId === null || s.busy === 'cancel'}
        >
          {s.busy === 'cancel' ? 'Cancelling…' : 'Cancel training'}
        </button>
        <form className="extend" onSubmit={submitExtend}>
          <label htmlFor={extendId}>Extend by</label>
          <input
            id={extendId}
            className="input narrow"
            type="number"
            name="extendEpochs"
            min="1"
            max="1000"
            step="1"
            value={s.extendEpochs}
            onChange={(event) => s.setExtend(event.target.value)}
          />
          <span>epochs</span>
          <button type="submit" className="btn" disabled={!canExtend}>
            {s.busy === 'extend' ? 'Extending…' : 'Extend'}
          </button>
        </form>
      </div>
      {!active && blockers.length > 0 ? (
        <ul className="blockers" aria-label="Before you can train">
          {blockers.map((blocker) => (
            <li key={blocker}>{blocker}</li>
          ))}
        </ul>
      ) : null}
      {s.status === 'completed' && s.extendBlocker ? (
        <p className="muted small" data-testid="extend-blocker">
          {s.extendBlocker}
        </p>
      ) : null}
      {s.error ? (
        <Alert title="That did not work">
          <p>{s.error}</p>
          <p className="muted">
            The run itself is unaffected: its progress below is still current. Try again, or cancel
            the run and start a new one.
          </p>
        </Alert>
      ) : null}
    </div>
  );
}
