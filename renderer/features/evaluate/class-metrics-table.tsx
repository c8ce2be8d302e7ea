import type { EvaluationMetrics } from '../../../shared/evaluation';

const fixed = (value: number) => value.toFixed(3);

/** Precision, recall, F1 and support per class, with the averages. */
export function ClassMetricsTable(props: { metrics: EvaluationMetrics }) {
  const { perClass, macro, weighted, count } = props.metrics;
  return (
    <div className="table-wrap">
      <table className="table class-metrics" aria-label="Per-class metrics">
        <thead>
          <tr>
            <th scope="col">Class</th>
            <th
              scope="col"
              className="num"
              title="Of the images predicted as this class, how many are"
            >
              Precision
            </th>
            <th
              scope="col"
              className="num"
              title="Of the images of this class, how many were found"
            >
              Recall
            </th>
            <th scope="col" className="num">
              F1
            </th>
            <th scope="col" className="num" title="Images of this class">
              Support
            </th>
          </tr>
        </thead>
        <tbody>
          {perClass.map((row) => (
            <tr key={row.label} data-class={row.label}>
              <th scope="row">{row.label}</th>
              <td className="num">{fixed(row.precision)}</td>
              <td className="num">{fixed(row.recall)}</td>
              <td className="num">{fixed(row.f1)}</td>
              <td className="num">{row.support}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">macro avg</th>
            <td className="num">{fixed(macro.precision)}</td>
            <td className="num">{fixed(macro.recall)}</td>
            <td className="num">{fixed(macro.f1)}</td>
            <td className="num">{count}</td>
          </tr>
          <tr>
            <th scope="row">weighted avg</th>
            <td className="num">{fixed(weighted.precision)}</td>
            <td className="num">{fixed(weighted.recall)}</td>
            <td className="num">{fixed(weighted.f1)}</td>
            <td className="num">{count}</td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
