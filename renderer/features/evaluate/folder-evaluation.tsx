import { useShallow } from 'zustand/react/shallow';
import { formatPercent } from '../../components/format';
import { PathForm } from '../../components/path-form';
import { ProgressBar } from '../../components/progress-bar';
import { useStudio } from '../../store/store-context';

/** Evaluate the run's model on another labelled folder, and switch between its evaluations. */
export function FolderEvaluation(props: { runId: string }) {
  const s = useStudio(
    useShallow((state) => ({
      path: state.folderEvaluationPath,
      status: state.folderEvaluationStatus,
      progress: state.folderEvaluationProgress,
      note: state.folderEvaluationNote,
      saved: state.folderEvaluations,
      current: state.evaluationId,
      setPath: state.setFolderEvaluationPath,
      run: state.evaluateFolder,
      load: state.loadEvaluation,
    })),
  );
  return (
    <section className="card" aria-labelledby="folder-eval-title">
      <h2 className="section-title" id="folder-eval-title">
        Evaluate on another folder
      </h2>
      <PathForm
        label="Labelled folder"
        placeholder="/path/to/test-images (one sub-folder per class)"
        value={s.path}
        submitLabel="Evaluate"
        busy={s.status === 'loading'}
        onChange={s.setPath}
        onSubmit={() => void s.run()}
        hint="Every image in it is classified by this run's model; sub-folders must be named like the classes."
      />
      {s.status === 'loading' ? (
        <ProgressBar
          value={s.progress?.progress ?? null}
          label={s.progress?.message ?? 'Checking the folder'}
        />
      ) : null}
      {s.note ? <p className={s.status === 'error' ? 'error-text' : 'muted'}>{s.note}</p> : null}
      {s.saved.length ? (
        <div className="seg-group evaluation-sources" role="group" aria-label="Evaluation shown">
          <button
            type="button"
            className={s.current === 'validation' ? 'seg active' : 'seg'}
            aria-pressed={s.current === 'validation'}
            onClick={() => void s.load(props.runId, 'validation')}
          >
            Validation split
          </button>
          {s.saved.map((entry) => (
            <button
              type="button"
              key={entry.evaluationId}
              className={s.current === entry.evaluationId ? 'seg active' : 'seg'}
              aria-pressed={s.current === entry.evaluationId}
              title={entry.source.roots.join(', ')}
              onClick={() => void s.load(props.runId, entry.evaluationId)}
            >
              {entry.source.roots
                .map((root) => root.split(/[\\/]/).filter(Boolean).pop())
                .join(', ')}{' '}
              · {formatPercent(entry.accuracy)}
            </button>
          ))}
        </div>
      ) : null}
    </section>
  );
}
