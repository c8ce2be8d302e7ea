import { useStudio } from '../../store/store-context';
import {
  epochDurationMs,
  formatDuration,
  formatPercent,
  formatShortDuration,
} from '../../components/format';

export function EpochTable() {
  const epochs = useStudio((s) => s.epochMetrics);
  if (epochs.length === 0) return null;
  return (
    <div className="table-wrap epoch-table-wrap">
      <table className="table" aria-label="Epochs">
        <thead>
          <tr>
            <th scope="col" className="num">
              Epoch
            </th>
            <th scope="col" className="num">
              Train loss
            </th>
            <th scope="col" className="num">
              Train acc.
            </th>
            <th scope="col" className="num">
              Val loss
            </th>
            <th scope="col" className="num">
              Val acc.
            </th>
            <th scope="col" className="num">
              Learning rate
            </th>
            <th scope="col" className="num" title="How long the epoch took">
              Took
            </th>
            <th scope="col" className="num">
              Elapsed
            </th>
          </tr>
        </thead>
        <tbody>
          {epochs.map((epoch, index) => (
            <tr key={epoch.epoch}>
              <td className="num">{epoch.epoch}</td>
              <td className="num">{epoch.trainLoss.toFixed(4)}</td>
              <td className="num">{formatPercent(epoch.trainAccuracy)}</td>
              <td className="num">{epoch.valLoss.toFixed(4)}</td>
              <td className="num">{formatPercent(epoch.valAccuracy)}</td>
              <td className="num">{epoch.learningRate.toPrecision(2)}</td>
              <td className="num">{formatShortDuration(epochDurationMs(epochs, index))}</td>
              <td className="num">{formatDuration(epoch.elapsedMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
