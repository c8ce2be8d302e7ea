import type { DatasetProblem } from '../../../shared/domain';

/** Findings about folders or the whole dataset: there is no single file to leave out. */
const NOT_A_FILE = new Set<DatasetProblem['kind']>([
  'vanished',
  'unreadable',
  'symlink-loop',
  'empty-folder',
  'class-imbalance',
  'few-images',
  'no-training-images',
  'too-few-classes',
]);

export function shortPath(path: string): string {
  const parts = path.split(/[\\/]/).filter(Boolean);
  return parts.length > 3 ? `…/${parts.slice(-3).join('/')}` : path;
}

/** One finding: what is wrong, what to do, and a "Leave out" button for a single file. */
export function ProblemItem(props: {
  problem: DatasetProblem;
  busy: boolean;
  onExclude(path: string): void;
  onShow(path: string): void;
}) {
  const { problem } = props;
  const canLeaveOut = problem.path !== '' && !problem.excluded && !NOT_A_FILE.has(problem.kind);
  return (
    <li className="problem" data-kind={problem.kind} data-path={problem.path}>
      <span className={`problem-kind kind-${problem.kind}`}>{problem.kind.replace(/-/g, ' ')}</span>
      <div className="problem-text">
        <p>{problem.message}</p>
        <p className="muted">{problem.action}</p>
        {problem.path ? (
          <p className="mono small muted" title={problem.path}>
            {shortPath(problem.path)}
          </p>
        ) : null}
      </div>
      <div className="problem-actions">
        {problem.excluded ? <span className="badge">Left out of training</span> : null}
        {problem.path && problem.kind !== 'vanished' ? (
          <button
            type="button"
            className="btn link small"
            onClick={() => props.onShow(problem.path)}
            aria-label={`Show ${problem.path} in its folder`}
          >
            Show in folder
          </button>
        ) : null}
        {canLeaveOut ? (
          <button
            type="button"
            className="btn small"
            disabled={props.busy}
            onClick={() => props.onExclude(problem.path)}
            aria-label={`Leave out ${problem.path}`}
          >
            Leave out
          </button>
        ) : null}
      </div>
    </li>
  );
}
