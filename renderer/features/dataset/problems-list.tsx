import { useState } from 'react';
import type { DatasetProblem } from '../../../shared/domain';

const SHOWN = 8;

function shortPath(path: string): string {
  const parts = path.split(/[\\/]/).filter(Boolean);
  return parts.length > 3 ? `…/${parts.slice(-3).join('/')}` : path;
}

/** What the scan found wrong, each with what to do about it. */
export function ProblemsList(props: { problems: DatasetProblem[] }) {
  const [expanded, setExpanded] = useState(false);
  const { problems } = props;
  return (
    <section aria-labelledby="problems-heading">
      <h2 id="problems-heading" className="section-title">
        Problems <span className="count-badge">{problems.length}</span>
      </h2>
      {problems.length === 0 ? (
        <p className="muted">
          No problems found: every image decodes and the classes look balanced.
        </p>
      ) : (
        <>
          <ul className="problems" data-testid="problems">
            {(expanded ? problems : problems.slice(0, SHOWN)).map((problem, index) => (
              <li key={`${problem.kind}-${problem.path}-${index}`} className="problem">
                <span className={`problem-kind kind-${problem.kind}`}>
                  {problem.kind.replace(/-/g, ' ')}
                </span>
                <div className="problem-text">
                  <p>{problem.message}</p>
                  <p className="muted">{problem.action}</p>
                  {problem.path ? (
                    <p className="mono small muted" title={problem.path}>
                      {shortPath(problem.path)}
                    </p>
                  ) : null}
                </div>
              </li>
            ))}
          </ul>
          {problems.length > SHOWN ? (
            <button type="button" className="btn link" onClick={() => setExpanded(!expanded)}>
              {expanded ? 'Show fewer' : `Show all ${problems.length}`}
            </button>
          ) : null}
        </>
      )}
    </section>
  );
}
