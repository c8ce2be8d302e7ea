import { useShallow } from 'zustand/react/shallow';
import type { ModelInfo } from '../../../shared/domain';
import { Alert } from '../../components/alert';
import { EmptyState } from '../../components/empty-state';
import { LayersIcon } from '../../components/icons';
import { useStudio } from '../../store/store-context';
import { CatalogPicker } from './catalog-picker';
import { FeatureLayerPicker } from './feature-layer-picker';
import { ModelSource } from './model-source';
import { ModelSummary } from './model-summary';
import { NetworkDiagram } from './network-diagram';
import { PlanPanel } from './plan-panel';
import { usePlanEstimate } from './use-plan-estimate';
import './model.css';

export function ModelScreen() {
  const s = useStudio(
    useShallow((state) => ({
      modelInfo: state.modelInfo,
      inspectStatus: state.inspectStatus,
      modelError: state.modelError,
    })),
  );
  return (
    <>
      <header className="screen-header">
        <h1>Base model</h1>
        <p>
          A network pretrained on millions of photos. Its features are reused; a small new head
          learns your classes. Choose which blocks of the base keep learning.
        </p>
      </header>
      <CatalogPicker />
      <ModelSource />
      {s.modelError ? <Alert title="That model could not be opened">{s.modelError}</Alert> : null}
      {s.inspectStatus === 'loading' ? (
        <p className="muted" role="status">
          Reading the model’s layers…
        </p>
      ) : null}
      {s.modelInfo ? (
        <ModelDetails info={s.modelInfo} />
      ) : s.inspectStatus !== 'loading' ? (
        <EmptyState icon={<LayersIcon />} title="No base model chosen yet">
          <p>
            Pick one above. MobileNet v1 0.25 is small and fast: a good first choice on any
            computer.
          </p>
        </EmptyState>
      ) : null}
    </>
  );
}

function ModelDetails(props: { info: ModelInfo }) {
  const estimate = usePlanEstimate(props.info);
  return (
    <>
      <ModelSummary info={props.info} />
      <FeatureLayerPicker info={props.info} />
      <div className="model-layout">
        <NetworkDiagram
          info={props.info}
          diagram={estimate.diagram}
          head={estimate.head}
          classes={estimate.headConfig.classes}
        />
        <PlanPanel info={props.info} estimate={estimate} />
      </div>
    </>
  );
}
