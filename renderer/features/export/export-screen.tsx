import { useShallow } from 'zustand/react/shallow';
import { Alert } from '../../components/alert';
import { EmptyState } from '../../components/empty-state';
import { PackageIcon } from '../../components/icons';
import { PathForm } from '../../components/path-form';
import { useStudio } from '../../store/store-context';
import { ExportFiles } from './export-files';
import { FormatPicker } from './format-picker';
import { RunPicker } from './run-picker';

export function ExportScreen() {
  const s = useStudio(
    useShallow((state) => ({
      shell: state.shell,
      hasRuns: state.runs.some((run) => run.status === 'completed'),
      dir: state.exportDir,
      overwrite: state.overwriteExport,
      status: state.exportStatus,
      result: state.exportResult,
      error: state.exportError,
      setDir: state.setExportDir,
      setOverwrite: state.setOverwriteExport,
      choose: state.chooseExportDir,
      run: state.exportModel,
    })),
  );
  return (
    <>
      <header className="screen-header">
        <h1>Export</h1>
        <p>
          Save the trained model as TensorFlow.js files, with its labels, to use in a web page or
          app.
        </p>
      </header>
      {s.hasRuns ? (
        <>
          <RunPicker />
          <section className="card">
            <FormatPicker />
            <PathForm
              label="Export folder"
              placeholder="/path/to/exported-model"
              value={s.dir}
              submitLabel="Export"
              busy={s.status === 'loading'}
              onChange={s.setDir}
              onSubmit={() => void s.run()}
              extra={
                s.shell === 'electron' ? (
                  <button type="button" className="btn" onClick={() => void s.choose()}>
                    Choose…
                  </button>
                ) : null
              }
              hint="The folder is created if needed. Its files: model.json, weights, and metadata.json with the labels."
            />
            <label className="checkbox">
              <input
                type="checkbox"
                checked={s.overwrite}
                onChange={(event) => s.setOverwrite(event.target.checked)}
              />
              Replace the files if the folder already holds an export
            </label>
          </section>
        </>
      ) : (
        <EmptyState icon={<PackageIcon />} title="Nothing to export yet">
          <p>Train a model on the Train tab first; every finished run can be exported here.</p>
        </EmptyState>
      )}
      {s.error ? <Alert title="The export did not finish">{s.error}</Alert> : null}
      {s.result ? <ExportFiles result={s.result} /> : null}
    </>
  );
}
