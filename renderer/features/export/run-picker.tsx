import { useId } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { formatPercent } from '../../components/format';
import { useStudio } from '../../store/store-context';

/** Which finished run to export; the latest is preselected. */
export function RunPicker() {
  const id = useId();
  const s = useStudio(
    useShallow((state) => ({
      runs: state.runs,
      selected: state.exportRunId,
      select: state.selectExportRun,
    })),
  );
  const completed = s.runs.filter((run) => run.status === 'completed');
  return (
    <section className="card">
      <label htmlFor={id} className="field-label">
        Trained model
      </label>
      <select
        id={id}
        className="input"
        value={s.selected ?? ''}
        onChange={(event) => s.select(event.target.value)}
      >
        {completed.map((run) => (
          <option key={run.id} value={run.id}>
            {run.name} — {run.labels.join(', ')} — val. accuracy{' '}
            {formatPercent(run.finalValAccuracy)}
          </option>
        ))}
      </select>
    </section>
  );
}
