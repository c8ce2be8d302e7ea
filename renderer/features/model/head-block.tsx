import { useId } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { HeadLayer } from '../../../shared/training-estimate';
import { formatShape } from '../../components/format';
import { useStudio } from '../../store/store-context';
import { CostBar } from './block-row';
import { formatParams } from './model-format';

/**
 * The new head on top of the base, which always trains: global average pooling, dropout, an
 * optional hidden dense layer, softmax over the classes. Its dropout and hidden layer are set
 * here (the same settings as the Train screen's advanced section).
 */
export function HeadBlock(props: {
  layers: HeadLayer[];
  classes: number;
  maxMacs: number;
  totalMacs: number;
}) {
  const s = useStudio(
    useShallow((state) => ({
      dropout: state.trainParams.dropout,
      hiddenUnits: state.trainParams.hiddenUnits,
      set: state.setTrainParam,
    })),
  );
  const dropoutId = useId();
  const hiddenId = useId();
  const params = props.layers.reduce((sum, layer) => sum + layer.params, 0);
  const macs = props.layers.reduce((sum, layer) => sum + layer.macs, 0);
  const last = props.layers[props.layers.length - 1];
  return (
    <div className="block-wrap" data-testid="head-block">
      <div className="block head">
        <span className="muted small">Always trains</span>
        <div className="block-name">
          <span className="block-label">New head</span>
          <span className="block-kind">
            {props.layers.map((layer) => layer.kind).join(' → ')} · {props.classes} classes
          </span>
        </div>
        <span className="block-shape">{last ? formatShape(last.outputShape.slice(1)) : ''}</span>
        <span className="block-params">
          {formatParams(params)}
          <small>params</small>
        </span>
        <CostBar macs={macs} max={props.maxMacs} total={props.totalMacs} backward />
        <span />
      </div>
      <div className="head-config">
        <label htmlFor={dropoutId}>Dropout</label>
        <input
          id={dropoutId}
          className="input"
          type="number"
          min={0}
          max={0.9}
          step={0.05}
          value={s.dropout}
          onChange={(event) => s.set('dropout', event.target.value)}
        />
        <label htmlFor={hiddenId}>Hidden dense layer</label>
        <select
          id={hiddenId}
          className="input"
          value={s.hiddenUnits}
          onChange={(event) => s.set('hiddenUnits', event.target.value)}
        >
          {['0', '64', '128', '256', '512'].map((units) => (
            <option key={units} value={units}>
              {units === '0' ? 'none' : `${units} units`}
            </option>
          ))}
          {['0', '64', '128', '256', '512'].includes(s.hiddenUnits) ? null : (
            <option value={s.hiddenUnits}>{s.hiddenUnits} units</option>
          )}
        </select>
      </div>
    </div>
  );
}
