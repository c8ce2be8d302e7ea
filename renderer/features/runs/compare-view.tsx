import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Comparison } from '../../store/runs-slice';
import { useStudio } from '../../store/store-context';
import { RUN_COLORS, RunChart, type ChartLine } from './run-chart';
import { SettingsTable } from './settings-table';

type Metric = 'valLoss' | 'valAccuracy' | 'trainLoss' | 'trainAccuracy';

function overlay(comparison: Comparison, metric: Metric, names: string[]) {
  const last = Math.max(1, ...comparison.runs.flatMap((run) => run.epochs.map((e) => e.epoch)));
  const epochs = Array.from({ length: last }, (_, i) => i + 1);
  const lines: ChartLine[] = comparison.runs.map((run, index) => {
    const byEpoch = new Map(run.epochs.map((e) => [e.epoch, e[metric]]));
    return {
      label: names[index]!,
      color: RUN_COLORS[index % RUN_COLORS.length]!,
      values: epochs.map((epoch) => byEpoch.get(epoch) ?? null),
      ...(metric.startsWith('train') ? { dash: [6, 4] } : {}),
    };
  });
  return { epochs, lines };
}

/** Several runs: their curves overlaid and their settings side by side. */
export function CompareView() {
  const s = useStudio(
    useShallow((state) => ({ comparison: state.comparison, close: state.closeComparison })),
  );
  const comparison = s.comparison;
  // Two runs may share a name; a number keeps them apart in legends and columns.
  const names = useMemo(() => {
    const runs = comparison?.runs ?? [];
    return runs.map((run, index) => {
      const twins = runs.filter((other) => other.summary.name === run.summary.name).length;
      return twins > 1 ? `${run.summary.name} (#${index + 1})` : run.summary.name;
    });
  }, [comparison]);
  const charts = useMemo(
    () =>
      comparison
        ? {
            valLoss: overlay(comparison, 'valLoss', names),
            valAccuracy: overlay(comparison, 'valAccuracy', names),
            trainLoss: overlay(comparison, 'trainLoss', names),
            trainAccuracy: overlay(comparison, 'trainAccuracy', names),
          }
        : null,
    [comparison, names],
  );
  if (!comparison || !charts) return null;
  return (
    <section
      className="card compare-view"
      aria-labelledby="compare-title"
      data-testid="compare-view"
    >
      <div className="section-row">
        <h2 className="section-title" id="compare-title">
          Comparing {comparison.runs.length} runs
        </h2>
        <button type="button" className="btn small" onClick={s.close}>
          Close
        </button>
      </div>
      <ul className="legend-chips" aria-label="Runs compared">
        {names.map((name, index) => (
          <li key={`${name}-${index}`}>
            <span
              className="legend-swatch"
              style={{ background: RUN_COLORS[index % RUN_COLORS.length] }}
              aria-hidden="true"
            />
            {name}
          </li>
        ))}
      </ul>
      <div className="charts" data-testid="compare-charts">
        <RunChart
          legend={false}
          title="Validation loss"
          metric="loss"
          {...charts.valLoss}
          testId="compare-val-loss"
        />
        <RunChart
          legend={false}
          title="Validation accuracy"
          metric="accuracy"
          {...charts.valAccuracy}
          testId="compare-val-accuracy"
        />
        <RunChart legend={false} title="Training loss" metric="loss" {...charts.trainLoss} />
        <RunChart
          legend={false}
          title="Training accuracy"
          metric="accuracy"
          {...charts.trainAccuracy}
        />
      </div>
      <h3 className="subsection-title">Settings</h3>
      <SettingsTable names={names} rows={comparison.settings} label="Settings compared" />
    </section>
  );
}
