import { useId } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { EvaluationImage } from '../../../shared/evaluation';
import { formatPercent } from '../../components/format';
import { useStudio } from '../../store/store-context';

/** One evaluated image: what it is, what the model said, and what can be done about it. */
export function ImageCard(props: { image: EvaluationImage; labels: string[] }) {
  const { image, labels } = props;
  const moveId = useId();
  const s = useStudio(
    useShallow((state) => ({
      url: state.thumbnailUrl(image.thumbnailId),
      move: state.moves.find((m) => m.from === image.path || m.to === image.movedTo),
      pending: state.pendingMove?.image.index === image.index ? state.pendingMove : null,
      exclude: state.setImageExcluded,
      reveal: state.showInFolder,
      ask: state.askMove,
      confirm: state.confirmMove,
      cancel: state.cancelMove,
      undo: state.undoMove,
    })),
  );
  const right = image.label === image.predicted;
  const others = labels.filter((_, index) => index !== image.label);
  return (
    <li
      className={`image-card${right ? ' right' : ' wrong'}${image.excluded ? ' is-excluded' : ''}`}
      data-testid="evaluated-image"
      data-name={image.name}
      data-true={labels[image.label]}
      data-predicted={labels[image.predicted]}
    >
      <div className="image-frame">
        <img src={s.url} alt={`${image.name}: ${labels[image.label]}`} loading="lazy" />
        {image.excluded ? <span className="image-flag">Excluded</span> : null}
        {image.movedTo ? <span className="image-flag moved">Moved</span> : null}
      </div>
      <div className="image-body">
        <span className="image-name" title={image.movedTo ?? image.path}>
          {image.name}
        </span>
        <dl className="image-facts">
          <div>
            <dt>true</dt>
            <dd>{labels[image.label]}</dd>
          </div>
          <div>
            <dt>predicted</dt>
            <dd className={right ? 'ok' : 'bad'}>
              {labels[image.predicted]} · {formatPercent(image.confidence)}
            </dd>
          </div>
        </dl>
        <div className="confidence-bar" aria-hidden="true">
          <span style={{ width: `${image.trueProbability * 100}%` }} />
        </div>
        <span className="image-loss muted">
          p(true) {formatPercent(image.trueProbability)} · loss {image.loss.toFixed(2)}
        </span>
        {s.pending ? (
          <div className="move-confirm" role="group" aria-label="Confirm the move">
            <p>
              Move <strong>{image.name}</strong> into the <strong>{s.pending.className}</strong>{' '}
              folder on disk?
            </p>
            <div className="button-row">
              <button type="button" className="btn small primary" onClick={() => void s.confirm()}>
                Move
              </button>
              <button type="button" className="btn small" onClick={s.cancel}>
                Cancel
              </button>
            </div>
          </div>
        ) : s.move ? (
          <div className="moved-note">
            Moved to <strong>{s.move.className}</strong>
            <button type="button" className="btn small" onClick={() => void s.undo(s.move!.moveId)}>
              Undo
            </button>
          </div>
        ) : (
          <div className="image-actions">
            <button
              type="button"
              className="btn small"
              onClick={() => void s.exclude(image, !image.excluded)}
            >
              {image.excluded ? 'Include' : 'Exclude'}
            </button>
            <label className="visually-hidden" htmlFor={moveId}>
              Move {image.name} to another class folder
            </label>
            <select
              id={moveId}
              className="input move-select"
              value=""
              onChange={(event) => event.target.value && s.ask(image, event.target.value)}
            >
              <option value="">Move to…</option>
              {others.map((label) => (
                <option key={label} value={label}>
                  {label}
                </option>
              ))}
            </select>
            <button type="button" className="btn link small" onClick={() => void s.reveal(image)}>
              Show in folder
            </button>
          </div>
        )}
      </div>
    </li>
  );
}
