import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { LrFinderResult } from '../../store/training-tools-slice';

const HEIGHT = 220;

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

/** Points the plot can draw (log axis: rates above 0; no NaN/Infinity from a diverged tail). */
export function plottable(result: LrFinderResult): { x: number[]; y: number[] } {
  const points = result.points
    .filter((p) => p.learningRate > 0 && Number.isFinite(p.loss))
    .sort((a, b) => a.learningRate - b.learningRate);
  return { x: points.map((p) => p.learningRate), y: points.map((p) => p.loss) };
}

/**
 * The loss climbs steeply once the rate is too high; clipping the y range at a few times the
 * starting loss keeps the useful valley readable instead of squashed at the bottom.
 */
function yRange(y: number[]): [number, number] {
  const low = Math.min(...y);
  const first = y[0] ?? low;
  const high = Math.min(Math.max(...y), Math.max(first * 1.5, low * 3));
  const pad = (high - low) * 0.08 || Math.abs(low) * 0.1 || 1;
  return [low - pad, high + pad];
}

function formatRate(rate: number): string {
  return rate >= 0.01 ? String(Number(rate.toPrecision(2))) : rate.toExponential(0);
}

/** Loss against learning rate on a log axis, with the suggestion marked by a dashed line. */
export function LrFinderPlot(props: { result: LrFinderResult }) {
  const hostRef = useRef<HTMLDivElement>(null);
  const { result } = props;

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return undefined;
    const { x, y } = plottable(result);
    if (x.length < 2) return undefined;
    const line = cssVar('--chart-batch', '#5b7cfa');
    const mark = cssVar('--chart-val', '#e8890c');
    const axis = {
      stroke: cssVar('--text-muted', '#666'),
      grid: { stroke: cssVar('--border', '#ddd'), width: 1 },
      ticks: { show: false },
    };
    const suggested = result.suggested;
    const width = () => Math.max(240, host.clientWidth);
    const plot = new uPlot(
      {
        width: width(),
        height: HEIGHT,
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: false, distr: 3, log: 10 }, y: { range: () => yRange(y) } },
        axes: [
          {
            ...axis,
            label: 'learning rate (log scale)',
            labelSize: 20,
            // A log axis labels only some ticks; uPlot passes null for the others.
            values: (_u, ticks) => ticks.map((t) => (t === null ? '' : formatRate(t))),
          },
          { ...axis, size: 48, label: 'loss', labelSize: 20 },
        ],
        series: [{}, { label: 'loss', stroke: line, width: 2, points: { show: false } }],
        hooks: {
          draw: [
            (u) => {
              // The suggestion: a dashed vertical line with a dot where it meets the curve.
              const left = u.valToPos(suggested, 'x', true);
              const ctx = u.ctx;
              ctx.save();
              ctx.strokeStyle = mark;
              ctx.lineWidth = 2 * devicePixelRatio;
              ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
              ctx.beginPath();
              ctx.moveTo(left, u.bbox.top);
              ctx.lineTo(left, u.bbox.top + u.bbox.height);
              ctx.stroke();
              let nearest = 0;
              for (let i = 1; i < x.length; i += 1) {
                const gap = Math.abs(Math.log(x[i] as number) - Math.log(suggested));
                if (gap < Math.abs(Math.log(x[nearest] as number) - Math.log(suggested)))
                  nearest = i;
              }
              ctx.setLineDash([]);
              ctx.fillStyle = mark;
              ctx.beginPath();
              const top = u.valToPos(y[nearest] as number, 'y', true);
              ctx.arc(left, top, 5 * devicePixelRatio, 0, 2 * Math.PI);
              ctx.fill();
              ctx.restore();
            },
          ],
        },
      },
      [x, y],
      host,
    );
    const resize = new ResizeObserver(() => {
      if (plot.width !== width()) plot.setSize({ width: width(), height: HEIGHT });
    });
    resize.observe(host);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [result]);

  const { x } = plottable(result);
  return (
    <div
      className="lr-plot"
      ref={hostRef}
      data-testid="lr-finder-plot"
      data-points={x.length}
      data-suggested={result.suggested}
      role="img"
      aria-label={`Loss against learning rate over ${x.length} steps; suggested rate ${formatRate(result.suggested)}`}
    />
  );
}
