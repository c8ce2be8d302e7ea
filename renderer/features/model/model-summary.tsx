import type { ModelInfo } from '../../../shared/domain';
import { formatCount, formatShape } from '../../components/format';
import { Stat } from '../../components/stat';
import { formatMacs } from './model-format';

export function ModelSummary(props: { info: ModelInfo }) {
  const { info } = props;
  const batchNorms = info.layers.filter((layer) => layer.isBatchNorm).length;
  return (
    <section className="stats" aria-label="Model summary">
      <Stat label="Model" value={info.name} testId="model-name" />
      <Stat label="Input" value={`${info.inputSize[0]}×${info.inputSize[1]} RGB`} />
      <Stat label="Features" value={formatShape(info.featureShape.slice(1))} />
      <Stat label="Parameters" value={formatCount(info.totalParams)} testId="model-params" />
      <Stat label="Compute per image" value={formatMacs(info.totalMacs)} testId="model-macs" />
      <Stat
        label={`Blocks · ${batchNorms} BatchNorm layers`}
        value={String(info.blocks.filter((b) => b.kind !== 'input').length)}
      />
    </section>
  );
}
