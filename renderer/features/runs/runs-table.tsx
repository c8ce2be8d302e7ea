import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { RunSummary } from '../../../shared/domain';
import { formatDuration, formatPercent } from '../../components/format';
import { useStudio } from '../../store/store-context';

const STATUS_TEXT: Record<RunSummary['status'], string> = {
  running: 'Training',
  completed: 'Completed',
  cancelled: 'Cancelled',
  failed: 'Failed',
};

function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleString('en-GB', {
        day: 'numeric',
        month: 'short',
        year: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
      });
}

function NameCell(props: { run: RunSummary }) {
  const { run } = props;
  const rename = useStudio((state) => state.renameRun);
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(run.name);
  if (editing) {
    return (
      <form
        className="rename-form"
        onSubmit={(event) => {
          event.preventDefault();
          void rename(run.id, name).then((ok) => ok && setEditing(false));
        }}
      >
        <input
          className="input"
          aria-label={`New name for ${run.name}`}
          value={name}
          maxLength={200}
          autoFocus
          onChange={(event) => setName(event.target.value)}
          onKeyDown={(event) => event.key === 'Escape' && setEditing(false)}
        />
        <button type="submit" className="btn small primary">
          Save
        </button>
        <button type="button" className="btn small" onClick={() => setEditing(false)}>
          Cancel
        </button>
      </form>
    );
  }
  return (
    <div className="run-name-cell">
      <span className="run-name">{run.name}</span>
      {run.continuedFrom ? (
        <span className="run-lineage muted small" data-testid="run-lineage">
          continues “{run.continuedFrom.name}” after its epoch {run.continuedFrom.epochsDone}
        </span>
      ) : null}
      <button
        type="button"
        className="btn link small"
        onClick={() => {
          setName(run.name);
          setEditing(true);
        }}
      >
        Rename
      </button>
      {run.status === 'failed' && run.error ? (
        <span className="run-error" data-testid="run-error">
          {run.error}
        </span>
      ) : null}
    </div>
  );
}

function DeleteCell(props: { run: RunSummary }) {
  const remove = useStudio((state) => state.deleteRun);
  const [asking, setAsking] = useState(false);
  if (props.run.status === 'running') return null;
  return asking ? (
    <span className="confirm-inline" role="group" aria-label={`Delete ${props.run.name}?`}>
      Delete for good?
      <button type="button" className="btn small danger" onClick={() => void remove(props.run.id)}>
        Delete
      </button>
      <button type="button" className="btn small" onClick={() => setAsking(false)}>
        Keep
      </button>
    </span>
  ) : (
    <button type="button" className="btn small" onClick={() => setAsking(true)}>
      Delete
    </button>
  );
}

/**
 * Every run folder: name (and the run it continued), date, dataset, base model and what of it
 * trained, the saved model's validation accuracy, duration and the engine it ran on.
 */
export function RunsTable() {
  const s = useStudio(
    useShallow((state) => ({
      runs: state.runs,
      compareIds: state.compareIds,
      openedId: state.openedRun?.summary.id ?? null,
      toggle: state.toggleCompare,
      open: state.openRun,
    })),
  );
  return (
    <div className="table-wrap">
      <table className="table runs-table" aria-label="Runs">
        <thead>
          <tr>
            <th scope="col" className="check-col">
              <span className="visually-hidden">Compare</span>
            </th>
            <th scope="col">Name</th>
            <th scope="col">Started</th>
            <th scope="col">Dataset</th>
            <th scope="col">Base model and plan</th>
            <th
              scope="col"
              className="num"
              title="Validation accuracy of the saved model (the best epoch when early stopping kept one)"
            >
              Val. acc.
            </th>
            <th scope="col" className="num">
              Duration
            </th>
            <th scope="col" title="The compute backend the run trained on">
              Engine
            </th>
            <th scope="col">Status</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {s.runs.map((run) => (
            <tr
              key={run.id}
              data-run-id={run.id}
              className={run.id === s.openedId ? 'selected' : undefined}
            >
              <td className="check-col">
                <input
                  type="checkbox"
                  aria-label={`Compare ${run.name}`}
                  checked={s.compareIds.includes(run.id)}
                  onChange={() => s.toggle(run.id)}
                />
              </td>
              <td>
                <NameCell run={run} />
              </td>
              <td className="nowrap">{formatDate(run.startedAt)}</td>
              <td data-testid="run-dataset">{run.dataset?.name ?? '—'}</td>
              <td data-testid="run-plan">
                {run.baseModel}
                {run.plan ? <span className="run-plan muted small">{run.plan}</span> : null}
              </td>
              <td className="num">{formatPercent(run.finalValAccuracy)}</td>
              <td className="num">
                {run.durationMs === undefined ? '—' : formatDuration(run.durationMs)}
              </td>
              <td className="backend-cell" title={run.backend} data-testid="run-engine">
                {run.backend?.split(' (')[0] ?? '—'}
              </td>
              <td>
                <span className={`status-pill status-${run.status}`}>
                  {STATUS_TEXT[run.status]}
                </span>
              </td>
              <td className="actions-cell">
                <button
                  type="button"
                  className="btn small"
                  aria-label={`Open ${run.name}`}
                  onClick={() => void s.open(run.id)}
                >
                  Open
                </button>
                <DeleteCell run={run} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
