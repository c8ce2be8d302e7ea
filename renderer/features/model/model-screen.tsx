import { useShallow } from 'zustand/react/shallow';
import { Alert } from '../../components/alert';
import { EmptyState } from '../../components/empty-state';
import { LayersIcon } from '../../components/icons';
import { PathForm } from '../../components/path-form';
import { useStudio } from '../../store/store-context';
import { CatalogPicker } from './catalog-picker';
import { LayerTable } from './layer-table';
import { ModelSummary } from './model-summary';

export function ModelScreen() {
  const s = useStudio(
    useShallow((state) => ({
      modelInfo: state.modelInfo,
      inspectStatus: state.inspectStatus,
      modelError: state.modelError,
      pathInput: state.modelPathInput,
      setPathInput: state.setModelPathInput,
      submitPath: state.submitModelPath,
    })),
  );
  return (
    <>
      <header className="screen-header">
        <h1>Base model</h1>
        <p>
          A network pretrained on millions of photos. Its features are reused; a small new head
          learns your classes.
        </p>
      </header>
      <CatalogPicker />
      <section className="card">
        <PathForm
          label="Or use a model folder"
          placeholder="/path/to/model (folder with model.json)"
          value={s.pathInput}
          submitLabel="Use folder"
          busy={s.inspectStatus === 'loading'}
          onChange={s.setPathInput}
          onSubmit={() => void s.submitPath()}
          hint="A TensorFlow.js layers model, e.g. a Teachable Machine export."
        />
      </section>
      {s.modelError ? <Alert title="That model could not be opened">{s.modelError}</Alert> : null}
      {s.inspectStatus === 'loading' ? (
        <p className="muted" role="status">
          Reading the model’s layers…
        </p>
      ) : null}
      {s.modelInfo ? (
        <>
          <ModelSummary info={s.modelInfo} />
          <LayerTable layers={s.modelInfo.layers} />
        </>
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
