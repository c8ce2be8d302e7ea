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

/** A readout value: a dash where the series has no point at the hovered epoch, never blank. */
function readout(metric: Metric) {
  return (_u: uPlot, value: number | null): string =>
    value === null || value === undefined
      ? '—'
      : metric === 'accuracy'
        ? `${(value * 100).toFixed(1)}%`
        : value.toFixed(3);
}

/**
 * Draws a dashed line where fine-tuning starts, labelled, so the jump in loss when base layers
 * begin to change is explained where it shows.
 */
function phaseMarker(at: () => number | null): uPlot.Plugin {
  return {
    hooks: {
      draw: [
        (u) => {
          const x = at();
          if (x === null) return;
          const left = u.valToPos(x, 'x', true);
          const ratio = window.devicePixelRatio || 1;
          const { ctx, bbox } = u;
          ctx.save();
          ctx.strokeStyle = cssVar('--text-muted', '#666');
          ctx.fillStyle = ctx.strokeStyle;
          ctx.lineWidth = ratio;
          ctx.setLineDash([4 * ratio, 4 * ratio]);
          ctx.beginPath();
          ctx.moveTo(left, bbox.top);
          ctx.lineTo(left, bbox.top + bbox.height);
          ctx.stroke();
          ctx.font = `${11 * ratio}px sans-serif`;
          ctx.fillText('fine-tuning starts', left + 4 * ratio, bbox.top + 12 * ratio);
          ctx.restore();
        },
      ],
    },
  };
}

function options(metric: Metric, width: number, switchAt: () => number | null): uPlot.Options {
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
    plugins: [phaseMarker(switchAt)],
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
        value: readout(metric),
        width: 1.5,
        spanGaps: true,
        points: { show: false },
      },
      {
        label: metric === 'loss' ? 'validation loss' : 'validation accuracy',
        stroke: val,
        value: readout(metric),
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
        if (!entry.plot) {
          const plotOptions = options(
            entry.metric,
            width,
            () => store.getState().series.fineTuneStart,
          );
          entry.plot = new uPlot(plotOptions, data, entry.pane);
        } else {
          if (entry.plot.width !== width) entry.plot.setSize({ width, height: HEIGHT });
          entry.plot.setData(data);
        }
      }
      // Read by the e2e test to see the curve grow, and by assistive tech as a summary.
      host?.setAttribute('data-points', String(batchPoints));
      host?.setAttribute('data-batches', String(series.batchCount));
      host?.setAttribute('data-epochs', String(series.epochCount));
      host?.setAttribute('data-batch-until', String(series.lastBatchX ?? ''));
      host?.setAttribute('data-fine-tune-from', String(series.fineTuneStart ?? ''));
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
  const fineTuneFrom = useStudio((s) => {
    const start = s.epochMetrics.find(
      (e) => e.phase === 'fine-tune' && s.epochMetrics.some((h) => h.phase === 'head'),
    );
    return start?.epoch ?? null;
  });
  return (
    <div className={empty ? 'charts-wrap empty' : 'charts-wrap'}>
      <div
        className="charts"
        ref={hostRef}
        data-testid="metrics-chart"
        aria-label="Loss and accuracy charts"
        role="img"
      />
      {fineTuneFrom !== null ? (
        <p className="muted small" data-testid="phase-switch-note">
          The dashed line marks the switch from training the head alone to fine-tuning: from epoch{' '}
          {fineTuneFrom}, base layers change too, at a lower learning rate, so the loss often jumps
          before it falls further.
        </p>
      ) : null}
      {empty ? (
        <p className="charts-empty">
          The loss and accuracy curves appear here as soon as training starts.
        </p>
      ) : null}
    </div>
  );
}
