import { useShallow } from 'zustand/react/shallow';
import { PathForm } from '../../components/path-form';
import { useStudio } from '../../store/store-context';

/** Where the dataset comes from: the path field, "Add folder…" in Electron, and the folder list. */
export function DatasetSources() {
  const s = useStudio(
    useShallow((state) => ({
      shell: state.shell,
      value: state.datasetPathInput,
      roots: state.datasetRoots,
      busy: state.scanStatus === 'loading',
      setValue: state.setDatasetPathInput,
      submit: state.submitDatasetPath,
      pick: state.pickDatasetFolders,
      remove: state.removeDatasetRoot,
      rescan: state.rescanDataset,
    })),
  );
  return (
    <section className="card">
      <PathForm
        label="Image folder"
        placeholder="/path/to/images (one sub-folder per class)"
        value={s.value}
        submitLabel="Add"
        busy={s.busy}
        onChange={s.setValue}
        onSubmit={() => void s.submit()}
        extra={
          <>
            {s.shell === 'electron' ? (
              <button type="button" className="btn" onClick={() => void s.pick()} disabled={s.busy}>
                Add folder…
              </button>
            ) : null}
            {s.roots.length > 0 ? (
              <button
                type="button"
                className="btn"
                onClick={() => void s.rescan()}
                disabled={s.busy}
                title="Scan the folders again after changing files on disk"
              >
                Rescan
              </button>
            ) : null}
          </>
        }
        hint={
          s.shell === 'electron'
            ? 'Or drop folders anywhere on this window.'
            : 'Paste the full path of a folder on the machine running the studio server.'
        }
      />
      {s.roots.length > 0 ? (
        <ul className="chips" aria-label="Dataset folders">
          {s.roots.map((root) => (
            <li key={root} className="chip mono">
              <span title={root}>{root}</span>
              <button
                type="button"
                className="chip-remove"
                aria-label={`Remove ${root}`}
                onClick={() => void s.remove(root)}
                disabled={s.busy}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
