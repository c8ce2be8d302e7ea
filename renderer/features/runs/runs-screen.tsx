import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Alert } from '../../components/alert';
import { EmptyState } from '../../components/empty-state';
import { ChartIcon } from '../../components/icons';
import { useStudio } from '../../store/store-context';
import { CompareView } from './compare-view';
import { RunDetail } from './run-detail';
import { RunsTable } from './runs-table';

/** Every run ever trained here, reopened from its folder, compared, renamed or deleted. */
export function RunsScreen() {
  const s = useStudio(
    useShallow((state) => ({
      count: state.runs.length,
      status: state.runsStatus,
      selected: state.compareIds.length,
      comparing: state.compareStatus === 'loading',
      hasComparison: state.comparison !== null,
      error: state.runsError,
      load: state.loadRuns,
      compare: state.compareRuns,
    })),
  );
  const load = s.load;
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <>
      <header className="screen-header">
        <h1>Runs</h1>
        <p>
          Every training is kept as a folder with its settings, curves, evaluation and model. Open
          one to look at it again, or tick several to compare them.
        </p>
      </header>
      {s.count === 0 && s.status !== 'loading' ? (
        <EmptyState icon={<ChartIcon />} title="No runs yet">
          <p>Train a model on the Train tab; each run appears here.</p>
        </EmptyState>
      ) : (
        <>
          <div className="toolbar">
            <span className="muted">
              {s.count} run{s.count === 1 ? '' : 's'}
              {s.selected ? ` · ${s.selected} ticked` : ''}
            </span>
            <button
              type="button"
              className="btn primary"
              disabled={s.selected < 2 || s.comparing}
              onClick={() => void s.compare()}
            >
              {s.comparing
                ? 'Comparing…'
                : s.selected >= 2
                  ? `Compare ${s.selected} runs`
                  : 'Compare runs'}
            </button>
          </div>
          {s.error ? <Alert title="That did not work">{s.error}</Alert> : null}
          <RunsTable />
          {s.hasComparison ? <CompareView /> : null}
          <RunDetail />
        </>
      )}
    </>
  );
}
