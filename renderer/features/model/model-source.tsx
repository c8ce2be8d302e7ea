import { useShallow } from 'zustand/react/shallow';
import { PathForm } from '../../components/path-form';
import { useStudio } from '../../store/store-context';

/**
 * "Import model folder…": any TF.js layers model (model.json + shards), nested exports such as
 * Teachable Machine's included. Electron opens the native folder dialog; the browser, which
 * cannot see paths, takes the folder's path in the field.
 */
export function ModelSource() {
  const s = useStudio(
    useShallow((state) => ({
      shell: state.appInfo?.shell,
      pathInput: state.modelPathInput,
      busy: state.inspectStatus === 'loading',
      setPathInput: state.setModelPathInput,
      submitPath: state.submitModelPath,
      importFolder: state.importModelFolder,
    })),
  );
  return (
    <section className="card model-source" aria-label="Import a model folder">
      <PathForm
        label="Or import a model folder"
        placeholder="/path/to/model (folder with model.json)"
        value={s.pathInput}
        submitLabel="Use folder"
        busy={s.busy}
        onChange={s.setPathInput}
        onSubmit={() => void s.submitPath()}
        extra={
          s.shell === 'electron' ? (
            <button type="button" className="btn" onClick={() => void s.importFolder()}>
              Import model folder…
            </button>
          ) : null
        }
        hint="Any TensorFlow.js layers model: model.json and its weight files, e.g. a Teachable Machine export. The studio proposes the last layer before pooling as the feature layer; you can pick another below."
      />
    </section>
  );
}
