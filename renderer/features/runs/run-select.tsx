import { useId } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { formatPercent } from '../../components/format';
import { useStudio } from '../../store/store-context';

/** Which completed run a screen looks at (the "current" run, shared by Evaluate and Try it). */
export function RunSelect() {
  const id = useId();
  const s = useStudio(
    useShallow((state) => ({
      runs: state.runs,
      current: state.currentRun()?.id ?? '',
      select: state.setCurrentRun,
    })),
  );
  const completed = s.runs.filter((run) => run.status === 'completed');
  if (completed.length === 0) return null;
  return (
    <div className="run-select">
      <label htmlFor={id} className="field-label">
        Run
      </label>
      <select
        id={id}
        className="input"
        value={s.current}
        onChange={(event) => s.select(event.target.value)}
      >
        {completed.map((run) => (
          <option key={run.id} value={run.id}>
            {run.name} · {formatPercent(run.finalValAccuracy)}
          </option>
        ))}
      </select>
    </div>
  );
}
