import type { GalleryView } from '../../store/evaluation-slice';

/** Above this many classes the matrix becomes a compact heat map that fills the card's width. */
export const DENSE_FROM = 7;

function cellText(actual: string, predicted: string, count: number, total: number): string {
  const share = total ? ` (${Math.round((count / total) * 100)}% of ${actual})` : '';
  return `True ${actual}, predicted ${predicted}: ${count} image${count === 1 ? '' : 's'}${share}`;
}

/**
 * Rows are the true classes, columns the predictions; each cell is a button that shows its
 * images. Shading is the share of the row, green on the diagonal (right) and red off it, with
 * its scale under the matrix. Up to a few classes every cell shows its count and share; with
 * more (up to 50) the matrix is a heat map as wide as its card: column names turned upright
 * and shortened, full names on hover, counts only where there are any.
 */
export function ConfusionMatrix(props: {
  labels: string[];
  confusion: number[][];
  selected: GalleryView;
  onSelect(actual: number, predicted: number): void;
}) {
  const { labels, confusion, selected } = props;
  const dense = labels.length >= DENSE_FROM;
  return (
    <div className="confusion-block">
      <div className="confusion-wrap">
        <table
          className={dense ? 'confusion dense' : 'confusion'}
          aria-label="Confusion matrix"
          style={{ '--classes': labels.length } as React.CSSProperties}
        >
          <thead>
            <tr>
              <th scope="col" className="corner">
                <span className="axis-true">true ↓</span>
                <span className="axis-pred">predicted →</span>
              </th>
              {labels.map((label) => (
                <th scope="col" key={label} className="col-label" title={label}>
                  <span>{label}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {confusion.map((row, actual) => {
              const total = row.reduce((sum, n) => sum + n, 0);
              const name = labels[actual] ?? '';
              return (
                <tr key={name}>
                  <th scope="row" className="row-label" title={name}>
                    <span>{name}</span>
                  </th>
                  {row.map((count, predicted) => {
                    const share = total ? count / total : 0;
                    const isSelected =
                      selected.kind === 'cell' &&
                      selected.actual === actual &&
                      selected.predicted === predicted;
                    const text = cellText(name, labels[predicted] ?? '', count, total);
                    return (
                      <td key={predicted}>
                        <button
                          type="button"
                          className={`cell ${actual === predicted ? 'right' : 'wrong'}${isSelected ? ' selected' : ''}`}
                          style={{ '--share': share.toFixed(3) } as React.CSSProperties}
                          aria-pressed={isSelected}
                          aria-label={text}
                          title={text}
                          data-testid={`confusion-cell-${actual}-${predicted}`}
                          onClick={() => props.onSelect(actual, predicted)}
                        >
                          <span className="cell-count">{dense && count === 0 ? '' : count}</span>
                          {dense ? null : (
                            <span className="cell-share">
                              {total ? `${Math.round(share * 100)}%` : '—'}
                            </span>
                          )}
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
      <ColourScale />
    </div>
  );
}

/** What the shades mean. */
function ColourScale() {
  return (
    <div className="confusion-scale" data-testid="confusion-scale">
      <span className="muted small">Share of the true class’s images:</span>
      <span className="scale-item">
        <span className="scale-bar right" aria-hidden="true" />
        <span className="small">right 0 → 100%</span>
      </span>
      <span className="scale-item">
        <span className="scale-bar wrong" aria-hidden="true" />
        <span className="small">mistaken 0 → 100%</span>
      </span>
    </div>
  );
}
