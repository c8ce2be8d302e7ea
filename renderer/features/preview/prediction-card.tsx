import type { PreviewItem } from '../../store/preview-slice';
import { useStudio } from '../../store/store-context';

/** One image and the model's top-k classes as bars. */
export function PredictionCard(props: { item: PreviewItem }) {
  const { item } = props;
  const thumbnailUrl = useStudio((state) => state.thumbnailUrl);
  const src = item.src ?? (item.thumbnailId ? thumbnailUrl(item.thumbnailId) : null);
  const best = item.top[0];
  return (
    <li
      className={`prediction-card status-${item.status}`}
      data-testid="prediction"
      data-name={item.name}
      data-top={best?.label ?? ''}
    >
      <div className="prediction-image">
        {src ? <img src={src} alt={item.name} /> : <span className="muted small">no preview</span>}
      </div>
      <div className="prediction-body">
        <span className="image-name" title={item.name}>
          {item.name}
        </span>
        {item.status === 'pending' ? <span className="muted small">Predicting…</span> : null}
        {item.status === 'error' ? <span className="error-text small">{item.error}</span> : null}
        {item.status === 'done' ? (
          <ol className="topk" aria-label={`Top ${item.top.length} for ${item.name}`}>
            {item.top.map((entry, index) => (
              <li key={entry.label} className={index === 0 ? 'first' : undefined}>
                <span className="topk-label">{entry.label}</span>
                <span className="topk-bar" aria-hidden="true">
                  <span style={{ width: `${Math.max(1, entry.probability * 100)}%` }} />
                </span>
                <span className="topk-value">{(entry.probability * 100).toFixed(1)}%</span>
              </li>
            ))}
          </ol>
        ) : null}
      </div>
    </li>
  );
}
