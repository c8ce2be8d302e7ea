import type { GalleryView } from '../../store/evaluation-slice';

/**
 * Rows are the true classes, columns the predictions; each cell is a button that shows its
 * images. Shading is the share of the row, green on the diagonal (right) and red off it.
 */
export function ConfusionMatrix(props: {
  labels: string[];
  confusion: number[][];
  selected: GalleryView;
  onSelect(actual: number, predicted: number): void;
}) {
  const { labels, confusion, selected } = props;
  return (
    <div className="confusion-wrap">
      <table className="confusion" aria-label="Confusion matrix">
        <thead>
          <tr>
            <th scope="col" className="corner">
              <span className="axis-true">true ↓</span>
              <span className="axis-pred">predicted →</span>
            </th>
            {labels.map((label) => (
              <th scope="col" key={label} className="col-label">
                {label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {confusion.map((row, actual) => {
            const total = row.reduce((sum, n) => sum + n, 0);
            return (
              <tr key={labels[actual]}>
                <th scope="row" className="row-label">
                  {labels[actual]}
                </th>
                {row.map((count, predicted) => {
                  const share = total ? count / total : 0;
                  const right = actual === predicted;
                  const isSelected =
                    selected.kind === 'cell' &&
                    selected.actual === actual &&
                    selected.predicted === predicted;
                  return (
                    <td key={predicted}>
                      <button
                        type="button"
                        className={`cell ${right ? 'right' : 'wrong'}${isSelected ? ' selected' : ''}`}
                        style={{ '--share': share.toFixed(3) } as React.CSSProperties}
                        aria-pressed={isSelected}
                        aria-label={`True ${labels[actual]}, predicted ${labels[predicted]}: ${count} image${count === 1 ? '' : 's'}`}
                        data-testid={`confusion-cell-${actual}-${predicted}`}
                        onClick={() => props.onSelect(actual, predicted)}
                      >
                        <span className="cell-count">{count}</span>
                        <span className="cell-share">
                          {total ? `${Math.round(share * 100)}%` : '—'}
                        </span>
                      </button>
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
