import { ProgressBar } from '../../components/progress-bar';
import type { ExportProgress } from '../../store/export-slice';

const titles: Record<string, string> = {
  checking: 'Checking the folder',
  starting: 'Starting',
  backend: 'Loading TensorFlow.js',
  'loading-model': 'Loading the trained model',
  converting: 'Converting',
  writing: 'Writing the files',
  verifying: 'Proving the export on the validation images',
  zipping: 'Writing the ZIP',
  passed: 'Finishing',
  failed: 'Finishing',
};

/** What the running export does; the proof shows how many validation images it has run. */
export function ExportProgressCard(props: { progress: ExportProgress }) {
  const { progress } = props;
  const title = titles[progress.phase] ?? 'Exporting';
  return (
    <section className="card export-progress" aria-live="polite" data-testid="export-progress">
      <div className="progress-head">
        <strong>{title}</strong>
        {progress.progress !== undefined ? (
          <span className="muted small">{Math.round(progress.progress * 100)}%</span>
        ) : null}
      </div>
      <ProgressBar label={title} value={progress.progress ?? null} />
      {progress.message ? <p className="muted small">{progress.message}</p> : null}
    </section>
  );
}
