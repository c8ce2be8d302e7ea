import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { LayerInfo } from '../../../shared/domain';
import { formatCount, formatShape } from '../../components/format';
import { useStudio } from '../../store/store-context';
import type { BlockView } from './diagram-model';
import { formatMacs, formatParams, kindLabel } from './model-format';

const STATE_TEXT = { frozen: 'Frozen', trains: 'Trains', partial: 'Split', fixed: '' } as const;

/** The cost bar: the block's share of the forward pass, and its backward pass when it has one. */
export function CostBar(props: { macs: number; max: number; total: number; backward: boolean }) {
  const width = `${Math.max(1.5, (props.macs / props.max) * 100)}%`;
  const share = props.total > 0 ? (props.macs / props.total) * 100 : 0;
  return (
    <div
      className="cost"
      title={`${formatCount(Math.round(props.macs))} multiply-accumulates per image`}
    >
      <div className="cost-bar" aria-hidden="true">
        <span className="cost-forward" style={{ width }} />
        {props.backward ? <span className="cost-backward" style={{ width }} /> : null}
      </div>
      <span className="cost-value">
        {formatMacs(props.macs)} · {share < 0.1 && share > 0 ? '<0.1' : share.toFixed(1)}%
      </span>
    </div>
  );
}

/** One block of the diagram: its switch, what it is, its shape, parameters and cost. */
export function BlockRow(props: {
  view: BlockView;
  layers: LayerInfo[];
  maxMacs: number;
  totalMacs: number;
}) {
  const { view, layers } = props;
  const { block } = view;
  const [open, setOpen] = useState(false);
  const toggle = useStudio((state) => state.toggleBlockTrainable);
  const freezable = view.state !== 'fixed';
  const checked = view.state === 'trains';
  return (
    <div
      className={block.residual ? 'block-wrap residual' : 'block-wrap'}
      data-testid="block-row"
      data-block={block.label}
      data-state={view.state}
      data-backward={view.backward}
    >
      <div className={`block ${view.state}`}>
        {freezable ? (
          <label className="switch block-toggle">
            <input
              type="checkbox"
              role="switch"
              checked={checked}
              aria-checked={view.state === 'partial' ? 'mixed' : checked}
              aria-label={`Train block ${block.label}`}
              ref={(input) => {
                if (input) input.indeterminate = view.state === 'partial';
              }}
              onChange={() => toggle(block.id)}
            />
            <span className="switch-track" aria-hidden="true" />
            <span className="switch-text">{STATE_TEXT[view.state]}</span>
          </label>
        ) : (
          <span className="muted small">{block.kind === 'input' ? 'Input' : 'No weights'}</span>
        )}
        <div className="block-name">
          <span className="block-label" title={block.layers.join(', ')}>
            {block.label}
          </span>
          <span className="block-kind">
            {kindLabel(block.kind)}
            {block.residual ? (
              <span
                className="skip-badge"
                title="Has a skip connection: frozen or trained as a whole"
              >
                skip
              </span>
            ) : null}
            {block.hasBatchNorm ? <span className="bn-badge">BN</span> : null}
          </span>
        </div>
        <span className="block-shape">{formatShape(block.outputShape.slice(1))}</span>
        <span className="block-params">
          {formatParams(block.params)}
          <small>{block.params ? 'params' : ''}</small>
        </span>
        {block.kind === 'input' ? (
          <span />
        ) : (
          <CostBar
            macs={block.macs}
            max={props.maxMacs}
            total={props.totalMacs}
            backward={view.backward}
          />
        )}
        {layers.length > 1 ? (
          <button
            type="button"
            className="btn link block-expand"
            aria-expanded={open}
            aria-label={`${open ? 'Hide' : 'Show'} the ${layers.length} layers of ${block.label}`}
            onClick={() => setOpen(!open)}
          >
            {open ? 'hide' : `${layers.length} layers`}
          </button>
        ) : (
          <span />
        )}
      </div>
      {open ? <LayerList layers={layers} residual={block.residual} /> : null}
    </div>
  );
}

/** The layers of a block; in advanced mode each layer with weights has its own switch. */
function LayerList(props: { layers: LayerInfo[]; residual: boolean }) {
  const s = useStudio(
    useShallow((state) => ({
      advanced: state.advancedLayers,
      trainable: state.trainableLayers,
      allowSplit: Boolean(state.freeze.allowSplitBlocks),
      toggle: state.toggleLayerTrainable,
    })),
  );
  const locked = props.residual && !s.allowSplit;
  return (
    <div className="layer-list" role="list">
      {props.layers.map((layer) => (
        <div className="layer-item" role="listitem" key={layer.name}>
          <span className="mono" title={layer.name}>
            {layer.name}
            {layer.isBatchNorm ? <span className="bn-badge">BN</span> : null}
          </span>
          <span>{layer.className}</span>
          <span className="mono muted">{formatShape(layer.outputShape.slice(1))}</span>
          <span className="num" title={`${formatCount(layer.trainableParams)} trainable`}>
            {formatCount(layer.params)}
          </span>
          <span className="num muted">
            {layer.macs ? formatMacs(layer.macs).replace(' MACs', '') : ''}
          </span>
          {layer.hasWeights && s.advanced ? (
            <label
              className="switch"
              title={
                locked
                  ? 'Part of a residual block: allow splitting residual blocks to train it alone.'
                  : undefined
              }
            >
              <input
                type="checkbox"
                role="switch"
                checked={s.trainable.includes(layer.name)}
                disabled={locked}
                aria-label={`Train layer ${layer.name}`}
                onChange={() => s.toggle(layer.name)}
              />
              <span className="switch-track" aria-hidden="true" />
              <span className="switch-text">
                {s.trainable.includes(layer.name) ? 'Trains' : 'Frozen'}
              </span>
            </label>
          ) : (
            <span className="muted small">{layer.hasWeights ? '' : 'no weights'}</span>
          )}
        </div>
      ))}
    </div>
  );
}
