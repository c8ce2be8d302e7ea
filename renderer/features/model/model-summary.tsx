import type { ModelInfo } from '../../../shared/domain';
import { Stat } from '../../components/stat';
import { formatCount, formatShape } from '../../components/format';

export function ModelSummary(props: { info: ModelInfo }) {
  const { info } = props;
  return (
    <section className="stats" aria-label="Model summary">
      <Stat label="Model" value={info.name} testId="model-name" />
      <Stat label="Input" value={`${info.inputSize[0]}×${info.inputSize[1]} RGB`} />
      <Stat label="Feature layer" value={info.featureLayer} />
      <Stat label="Features" value={formatShape(info.featureShape.slice(1))} />
      <Stat label="Parameters" value={formatCount(info.totalParams)} />
    </section>
  );
}
