import type { EvaluationReport } from '../../../shared/evaluation';
import { formatPercent } from '../../components/format';
import { Stat } from '../../components/stat';

/** The headline numbers of an evaluation. */
export function MetricsSummary(props: { report: EvaluationReport }) {
  const { metrics, misclassified } = props.report;
  return (
    <div className="stats" data-testid="evaluation-summary">
      <Stat label="accuracy" value={formatPercent(metrics.accuracy)} testId="eval-accuracy" />
      <Stat label="macro F1" value={metrics.macro.f1.toFixed(3)} testId="eval-macro-f1" />
      <Stat
        label="expected calibration error"
        value={formatPercent(metrics.calibration.ece)}
        testId="eval-ece"
      />
      <Stat label="log loss" value={metrics.logLoss.toFixed(3)} />
      <Stat
        label="misclassified"
        value={`${misclassified} of ${metrics.count}`}
        testId="eval-misclassified"
      />
    </div>
  );
}
