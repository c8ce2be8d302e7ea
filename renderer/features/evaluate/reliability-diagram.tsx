import type { EvaluationMetrics } from '../../../shared/evaluation';
import { formatPercent } from '../../components/format';

const SIZE = 280;
const PAD = { left: 44, right: 12, top: 12, bottom: 36 };
const W = SIZE - PAD.left - PAD.right;
const H = SIZE - PAD.top - PAD.bottom;

const x = (value: number) => PAD.left + value * W;
const y = (value: number) => PAD.top + (1 - value) * H;

/** The bin whose images tell the most about over- or under-confidence, in words. */
function verdict(metrics: EvaluationMetrics): string {
  const bins = metrics.calibration.bins.filter((bin) => bin.count > 0);
  if (bins.length === 0) return 'No images were evaluated.';
  const top = [...bins].sort((a, b) => b.count - a.count)[0]!;
  const confidence = top.confidence ?? 0;
  const accuracy = top.accuracy ?? 0;
  const range = `${Math.round(top.lower * 100)}–${Math.round(top.upper * 100)}%`;
  const gap = accuracy - confidence;
  const tone =
    Math.abs(gap) < 0.03
      ? 'about as often as it claims'
      : gap < 0
        ? 'less often than it claims (overconfident)'
        : 'more often than it claims (underconfident)';
  return (
    `Most images (${top.count}) get ${range} confidence: there the model is on average ` +
    `${formatPercent(confidence)} sure and right ${formatPercent(accuracy)} of the time, ${tone}.`
  );
}

/**
 * Reliability diagram: for each confidence bin, how often the model was right (bar) against
 * how sure it was (the diagonal). Bars under the diagonal mean "95% sure" is not 95% right.
 */
export function ReliabilityDiagram(props: { metrics: EvaluationMetrics }) {
  const { calibration } = props.metrics;
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  return (
    <div className="reliability">
      <svg
        viewBox={`0 0 ${SIZE} ${SIZE}`}
        width={SIZE}
        height={SIZE}
        role="img"
        aria-label={`Reliability diagram, expected calibration error ${formatPercent(calibration.ece)}`}
        data-testid="reliability-diagram"
      >
        {ticks.map((t) => (
          <g key={t}>
            <line className="grid" x1={x(0)} x2={x(1)} y1={y(t)} y2={y(t)} />
            <text className="tick" x={PAD.left - 6} y={y(t) + 4} textAnchor="end">
              {Math.round(t * 100)}%
            </text>
            <text className="tick" x={x(t)} y={SIZE - PAD.bottom + 16} textAnchor="middle">
              {Math.round(t * 100)}%
            </text>
          </g>
        ))}
        {calibration.bins.map((bin) => {
          if (bin.count === 0 || bin.accuracy === null || bin.confidence === null) return null;
          const left = x(bin.lower) + 1.5;
          const width = x(bin.upper) - x(bin.lower) - 3;
          const gapTop = Math.min(bin.accuracy, bin.confidence);
          const gapBottom = Math.max(bin.accuracy, bin.confidence);
          return (
            <g key={bin.lower} data-bin={bin.lower}>
              <rect className="bar" x={left} width={width} y={y(gapTop)} height={y(0) - y(gapTop)}>
                <title>
                  {`${Math.round(bin.lower * 100)}–${Math.round(bin.upper * 100)}% sure: ${bin.count} images, ` +
                    `right ${formatPercent(bin.accuracy)}, mean confidence ${formatPercent(bin.confidence)}`}
                </title>
              </rect>
              {/* The bar stops at the lower of the two; the gap up to the higher one is red when
                  the model was less often right than sure (overconfident), amber otherwise. */}
              <rect
                className={bin.accuracy < bin.confidence ? 'gap' : 'gap under'}
                x={left}
                width={width}
                y={y(gapBottom)}
                height={Math.max(0, y(gapTop) - y(gapBottom))}
              />
              <line
                className="confidence-mark"
                x1={left}
                x2={left + width}
                y1={y(bin.confidence)}
                y2={y(bin.confidence)}
              />
              <text className="bin-count" x={left + width / 2} y={y(0) - 5} textAnchor="middle">
                {bin.count}
              </text>
            </g>
          );
        })}
        <line className="diagonal" x1={x(0)} y1={y(0)} x2={x(1)} y2={y(1)} />
        <line className="axis" x1={x(0)} x2={x(1)} y1={y(0)} y2={y(0)} />
        <line className="axis" x1={x(0)} x2={x(0)} y1={y(0)} y2={y(1)} />
        <text className="axis-label" x={x(0.5)} y={SIZE - 4} textAnchor="middle">
          confidence (top probability)
        </text>
        <text
          className="axis-label"
          transform={`translate(12 ${y(0.5)}) rotate(-90)`}
          textAnchor="middle"
        >
          accuracy
        </text>
      </svg>
      <div className="reliability-text">
        <p className="ece-line">
          Expected calibration error{' '}
          <strong data-testid="ece-value">{formatPercent(calibration.ece)}</strong>
          <span className="muted"> · worst bin {formatPercent(calibration.mce)}</span>
        </p>
        <p>{verdict(props.metrics)}</p>
        <p className="muted small">
          Bars show how often the model was right among the images it was that sure of; the dashed
          diagonal is a perfectly honest model and the dark mark how sure it was on average. The
          shaded gap between them, weighted by images, is the ECE (10 bins).
        </p>
        <ul className="legend-row" aria-hidden="true">
          <li>
            <span className="swatch bar" /> accuracy
          </li>
          <li>
            <span className="swatch mark" /> mean confidence
          </li>
          <li>
            <span className="swatch gap" /> overconfident
          </li>
          <li>
            <span className="swatch gap under" /> underconfident
          </li>
          <li>
            <span className="swatch diagonal" /> perfect calibration
          </li>
        </ul>
      </div>
    </div>
  );
}
