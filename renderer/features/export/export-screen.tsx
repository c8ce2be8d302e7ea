import { useShallow } from 'zustand/react/shallow';
import { Alert } from '../../components/alert';
import { EmptyState } from '../../components/empty-state';
import { PackageIcon } from '../../components/icons';
import { PathForm } from '../../components/path-form';
import { exportTargetDir } from '../../store/default-export-dir';
import { useStudio } from '../../store/store-context';
import './export.css';
import { ExportProgressCard } from './export-progress';
import { ExportSummary } from './export-summary';
import { FormatPicker } from './format-picker';
import { OverwriteDialog } from './overwrite-dialog';
import { RunPicker } from './run-picker';

export function ExportScreen() {
  const s = useStudio(
    useShallow((state) => ({
      shell: state.shell,
      hasRuns: state.runs.some((run) => run.status === 'completed'),
      dir: state.exportDir,
      format: state.exportFormat,
      zip: state.exportZip,
      status: state.exportStatus,
      progress: state.exportProgress,
      conflict: state.exportConflict,
      result: state.exportResult,
      error: state.exportError,
      setDir: state.setExportDir,
      setZip: state.setExportZip,
      choose: state.chooseExportDir,
      run: state.exportModel,
      replace: state.confirmOverwrite,
      keep: state.cancelOverwrite,
      target: exportTargetDir(state),
    })),
  );
  const busy = s.status === 'loading';
  const files = {
    onnx: 'model.onnx and labels.json',
    tfjs: 'model.json, its weights, metadata.json (Teachable Machine format) and labels.json',
    tflite: 'model.tflite, labels.txt and labels.json',
    'tflite-int8': 'model_int8.tflite, labels.txt and labels.json',
  }[s.format];
  return (
    <>
      <header className="screen-header">
        <h1>Export</h1>
        <p>
          Save the trained model for use outside the studio. Every export is loaded back in its real
          runtime and checked on the whole validation split before it is called finished.
        </p>
      </header>
      {s.hasRuns ? (
        <>
          <RunPicker />
          <section className="card export-options">
            <FormatPicker />
            <PathForm
              label="Export folder"
              placeholder={s.target ?? '/path/to/exported-model'}
              value={s.dir}
              submitLabel="Export"
              busy={busy}
              onChange={s.setDir}
              onSubmit={() => void s.run()}
              extra={
                s.shell === 'electron' ? (
                  <button type="button" className="btn" onClick={() => void s.choose()}>
                    Choose…
                  </button>
                ) : null
              }
              hint={`The folder is created if needed; left empty, the one below is used. It will hold ${files}, a README with code to run the model, and export-manifest.json with the proof.`}
            />
            {s.target ? (
              <p className="export-target">
                <span className="muted">Exports to </span>
                <span className="mono" data-testid="export-target">
                  {s.target}
                </span>
              </p>
            ) : null}
            <label className="checkbox">
              <input
                type="checkbox"
                checked={s.zip}
                disabled={busy}
                onChange={(event) => s.setZip(event.target.checked)}
              />
              Also make a ZIP of the export beside the folder
            </label>
          </section>
        </>
      ) : (
        <EmptyState icon={<PackageIcon />} title="Nothing to export yet">
          <p>Train a model on the Train tab first; every finished run can be exported here.</p>
        </EmptyState>
      )}
      {busy && s.progress ? <ExportProgressCard progress={s.progress} /> : null}
      {s.error ? <Alert title="The export did not finish">{s.error}</Alert> : null}
      {s.result ? <ExportSummary result={s.result} /> : null}
      <OverwriteDialog question={s.conflict} onReplace={() => void s.replace()} onCancel={s.keep} />
    </>
  );
}
