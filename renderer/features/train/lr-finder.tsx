import { useShallow } from 'zustand/react/shallow';
import { Alert } from '../../components/alert';
import { useStudio } from '../../store/store-context';
import { isRunActive } from '../../store/training-slice';
import { roundRate } from '../../store/training-tools-slice';
import { LrFinderPlot } from './lr-finder-plot';

/**
 * fastai's learning-rate finder: a short mock run with a growing rate, its loss curve, and the
 * rate where the loss falls fastest, which one click copies into the form.
 */
export function LrFinder() {
  const s = useStudio(
    useShallow((state) => ({
      status: state.lrFindStatus,
      result: state.lrFindResult,
      error: state.lrFindError,
      run: state.runLrFinder,
      use: state.useSuggestedLearningRate,
      current: state.trainParams.learningRate,
      blocked: state.trainBlockers().length > 0,
      training: isRunActive(state.runStatus),
    })),
  );
  const suggestion = s.result ? roundRate(s.result.suggested) : null;
  const inUse = suggestion !== null && Number(s.current) === Number(suggestion);
  return (
    <div className="lr-finder">
      <div className="lr-head">
        <p className="field-hint">
          Trains briefly while raising the learning rate step by step and records the loss. The best
          rate is where the loss falls fastest, well before it shoots up.
        </p>
        <button
          type="button"
          className="btn"
          onClick={() => void s.run()}
          disabled={s.blocked || s.training || s.status === 'loading'}
          aria-busy={s.status === 'loading'}
        >
          {s.status === 'loading' ? 'Finding…' : s.result ? 'Run again' : 'Find a learning rate'}
        </button>
      </div>
      {s.training ? (
        <p className="field-hint">The finder runs when no training is running.</p>
      ) : null}
      {s.result ? (
        <>
          <LrFinderPlot result={s.result} />
          <div className="lr-suggestion" data-testid="lr-suggestion">
            <span>
              Suggested learning rate: <strong className="mono">{suggestion}</strong>
            </span>
            <button type="button" className="btn primary small" onClick={s.use} disabled={inUse}>
              {inUse ? 'In use' : 'Use this'}
            </button>
          </div>
        </>
      ) : null}
      {s.error ? (
        <Alert title="The learning-rate finder could not run">
          <p>{s.error}</p>
          <p className="muted">Check the settings above, or train with the default rate.</p>
        </Alert>
      ) : null}
    </div>
  );
}
