import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartLine {
  label: string;
  color: string;
  values: (number | null)[];
  dash?: number[];
}

const HEIGHT = 220;

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

/**
 * A static line chart over epochs (a finished run's curves, or several runs overlaid). Drawn
 * once per change of its data and resized with its pane.
 */
export function RunChart(props: {
  title: string;
  metric: 'loss' | 'accuracy';
  epochs: number[];
  lines: ChartLine[];
  testId?: string;
  /** uPlot's legend with values under the cursor (off where a legend of its own is shown). */
  legend?: boolean;
}) {
  const hostRef = useRef<HTMLDivElement>(null);
  const { title, metric, epochs, lines } = props;
  const legend = props.legend ?? true;

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return undefined;
    const axis = {
      stroke: cssVar('--text-muted', '#666'),
      grid: { stroke: cssVar('--border', '#ddd'), width: 1 },
      ticks: { show: false },
    };
    const width = () => Math.max(240, host.clientWidth - 16);
    const plot = new uPlot(
      {
        title,
        width: width(),
        height: HEIGHT,
        legend: { show: legend },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: false }, y: metric === 'accuracy' ? { range: [0, 1] } : {} },
        axes: [
          { ...axis, label: 'epoch', labelSize: 20, incrs: [1, 2, 5, 10, 20, 50, 100] },
          {
            ...axis,
            size: 48,
            values: (_u, ticks) =>
              ticks.map((t) => (metric === 'accuracy' ? `${Math.round(t * 100)}%` : t.toFixed(2))),
          },
        ],
        series: [
          { label: 'epoch' },
          ...lines.map((line) => ({
            label: line.label,
            stroke: line.color,
            width: 2,
            spanGaps: true,
            ...(line.dash ? { dash: line.dash } : {}),
            points: { show: epochs.length <= 30, size: 5, fill: line.color },
            value: (_u: uPlot, v: number | null) =>
              v === null ? '—' : metric === 'accuracy' ? `${(v * 100).toFixed(1)}%` : v.toFixed(3),
          })),
        ],
      },
      [epochs, ...lines.map((line) => line.values)] as uPlot.AlignedData,
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
  }, [title, metric, epochs, lines, legend]);

  return (
    <div
      className="chart-pane run-chart"
      ref={hostRef}
      role="img"
      aria-label={`${title}: ${lines.map((line) => line.label).join(', ')}`}
      data-testid={props.testId}
      data-lines={lines.length}
    />
  );
}

/** Distinct colours for overlaid runs (readable on light and dark backgrounds). */
export const RUN_COLORS = [
  '#3b5bdb',
  '#e8590c',
  '#2b8a3e',
  '#ae3ec9',
  '#1098ad',
  '#c92a2a',
  '#5c940d',
  '#f08c00',
];
