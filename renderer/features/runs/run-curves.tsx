import { useMemo } from 'react';
import type { EpochMetrics } from '../../../shared/domain';
import { RunChart, type ChartLine } from './run-chart';

/** A finished run's loss and accuracy per epoch, train and validation. */
export function RunCurves(props: { epochs: EpochMetrics[] }) {
  const { epochs } = props;
  const x = useMemo(() => epochs.map((e) => e.epoch), [epochs]);
  const loss = useMemo<ChartLine[]>(
    () => [
      { label: 'train loss', color: '#5b7cfa', values: epochs.map((e) => e.trainLoss) },
      { label: 'validation loss', color: '#e8890c', values: epochs.map((e) => e.valLoss) },
    ],
    [epochs],
  );
  const accuracy = useMemo<ChartLine[]>(
    () => [
      { label: 'train accuracy', color: '#5b7cfa', values: epochs.map((e) => e.trainAccuracy) },
      { label: 'validation accuracy', color: '#e8890c', values: epochs.map((e) => e.valAccuracy) },
    ],
    [epochs],
  );
  if (epochs.length === 0) {
    return <p className="muted">No epoch finished, so there are no curves.</p>;
  }
  return (
    <div className="charts">
      <RunChart title="Loss" metric="loss" epochs={x} lines={loss} />
      <RunChart title="Accuracy" metric="accuracy" epochs={x} lines={accuracy} />
    </div>
  );
}
