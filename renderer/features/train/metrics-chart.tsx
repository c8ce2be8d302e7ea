import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ChartColumns, ChartMetric, MetricSeries } from '../../store/metric-series';
import { useStudio, useStudioStore } from '../../store/store-context';

type Metric = ChartMetric;

const HEIGHT = 240;

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

function options(metric: Metric, width: number): uPlot.Options {
  const batch = cssVar('--chart-batch', '#6b8afd');
  const val = cssVar('--chart-val', '#f59e0b');
  const axis = {
    stroke: cssVar('--text-muted', '#666'),
    grid: { stroke: cssVar('--border', '#ddd'), width: 1 },
    ticks: { show: false },
  };
  return {
    width,
    height: HEIGHT,
    legend: { show: true },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: false }, y: metric === 'accuracy' ? { range: [0, 1] } : {} },
    axes: [
      { ...axis, label: 'epoch', labelSize: 20 },
      {
        ...axis,
        size: 48,
        values: (_u, ticks) =>
          ticks.map((t) => (metric === 'accuracy' ? `${Math.round(t * 100)}%` : t.toFixed(2))),
      },
    ],
    series: [
      { label: 'epoch', value: (_u, v) => (v === null ? '—' : v.toFixed(2)) },
      {
        label: metric === 'loss' ? 'batch loss' : 'batch accuracy',
        stroke: batch,
        width: 1.5,
        spanGaps: true,
        points: { show: false },
      },
      {
        label: metric === 'loss' ? 'validation loss' : 'validation accuracy',
        stroke: val,
        width: 2,
        spanGaps: true,
        points: { show: true, size: 7, fill: val },
      },
    ],
  };
}

function dataFor(columns: ChartColumns): uPlot.AlignedData {
  return [columns.x, columns.batch, columns.validation];
}

/**
 * Live loss and accuracy curves. They redraw from a store subscription (at most once per
 * animation frame), never through React renders, so hundreds of batch points cost no re-render.
 */
export function MetricsChart() {
  const store = useStudioStore();
  const hostRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return undefined;
    const panes = (['loss', 'accuracy'] as const).map((metric) => {
      const pane = document.createElement('div');
      pane.className = 'chart-pane';
      pane.dataset.metric = metric;
      host.append(pane);
      return { metric, pane, plot: null as uPlot | null };
    });
    let frame = 0;

    function draw(series: MetricSeries): void {
      frame = 0;
      let batchPoints = 0;
      for (const entry of panes) {
        // The pane's content box: its width minus the horizontal padding.
        const width = Math.max(200, entry.pane.clientWidth - 16);
        // One bucket per pixel of the plot area (the y axis takes ~50 px).
        const columns = series.columns(entry.metric, Math.max(50, width - 50));
        if (entry.metric === 'loss') batchPoints = columns.batchPoints;
        const data = dataFor(columns);
        if (!entry.plot) entry.plot = new uPlot(options(entry.metric, width), data, entry.pane);
        else {
          if (entry.plot.width !== width) entry.plot.setSize({ width, height: HEIGHT });
          entry.plot.setData(data);
        }
      }
      // Read by the e2e test to see the curve grow, and by assistive tech as a summary.
      host?.setAttribute('data-points', String(batchPoints));
      host?.setAttribute('data-batches', String(series.batchCount));
      host?.setAttribute('data-epochs', String(series.epochCount));
    }

    const schedule = () => {
      if (!frame) frame = requestAnimationFrame(() => draw(store.getState().series));
    };
    draw(store.getState().series);
    const unsubscribe = store.subscribe((state, previous) => {
      if (state.seriesVersion !== previous.seriesVersion) schedule();
    });
    const resize = new ResizeObserver(schedule);
    resize.observe(host);
    return () => {
      unsubscribe();
      resize.disconnect();
      if (frame) cancelAnimationFrame(frame);
      for (const entry of panes) {
        entry.plot?.destroy();
        entry.pane.remove();
      }
    };
  }, [store]);

  // Re-evaluated on every store change, but renders only when the answer flips.
  const empty = useStudio((s) => s.series.batchCount === 0 && s.series.epochCount === 0);
  return (
    <div className={empty ? 'charts-wrap empty' : 'charts-wrap'}>
      <div
        className="charts"
        ref={hostRef}
        data-testid="metrics-chart"
        aria-label="Loss and accuracy charts"
        role="img"
      />
      {empty ? (
        <p className="charts-empty">
          The loss and accuracy curves appear here as soon as training starts.
        </p>
      ) : null}
    </div>
  );
}
