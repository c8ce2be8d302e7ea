import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../../store/store-context';

/** After excluding or moving images: what changed, undo for moves, and retrain in one click. */
export function ChangesBanner(props: { runId: string }) {
  const s = useStudio(
    useShallow((state) => ({
      excluded: state.excludedHere.length,
      moves: state.moves,
      retrain: state.retrainRun,
      undo: state.undoMove,
      training: state.runStatus === 'running' || state.runStatus === 'starting',
    })),
  );
  const moves = s.moves.filter((move) => !move.retrained);
  if (s.excluded === 0 && moves.length === 0) return null;
  const parts = [
    s.excluded ? `${s.excluded} image${s.excluded === 1 ? '' : 's'} excluded` : '',
    moves.length ? `${moves.length} moved to another class` : '',
  ].filter(Boolean);
  return (
    <section className="changes-banner" aria-live="polite" data-testid="changes-banner">
      <div>
        <strong>You changed the dataset:</strong> {parts.join(', ')}.{' '}
        <span className="muted">Retrain to see whether the model gets better.</span>
        {moves.length ? (
          <ul className="moves-list">
            {moves.map((move) => (
              <li key={move.moveId}>
                <span className="mono small" title={move.to}>
                  {move.to.split(/[\\/]/).slice(-2).join('/')}
                </span>
                <button
                  type="button"
                  className="btn link small"
                  onClick={() => void s.undo(move.moveId)}
                >
                  Undo
                </button>
              </li>
            ))}
          </ul>
        ) : null}
      </div>
      <button
        type="button"
        className="btn primary"
        disabled={s.training}
        onClick={() => void s.retrain(props.runId)}
      >
        Retrain with the same settings
      </button>
    </section>
  );
}
