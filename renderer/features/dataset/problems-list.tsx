import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { DatasetProblem } from '../../../shared/domain';
import { useStudio } from '../../store/store-context';
import { ProblemItem, shortPath } from './problem-item';

const SHOWN = 8;

/** Files the user left out, each of which can be put back. */
function ExcludedFiles(props: { paths: string[]; busy: boolean; onInclude(path: string): void }) {
  if (props.paths.length === 0) return null;
  return (
    <details className="excluded">
      <summary>
        {props.paths.length === 1 ? '1 file' : `${props.paths.length} files`} left out by you
      </summary>
      <ul aria-label="Files left out">
        {props.paths.map((path) => (
          <li key={path}>
            <span className="mono small" title={path}>
              {shortPath(path)}
            </span>
            <button
              type="button"
              className="btn link"
              disabled={props.busy}
              onClick={() => props.onInclude(path)}
            >
              Put back
            </button>
          </li>
        ))}
      </ul>
    </details>
  );
}

/** What the scan found wrong, each with what to do about it. */
export function ProblemsList(props: { problems: DatasetProblem[]; excluded: string[] }) {
  const [expanded, setExpanded] = useState(false);
  const { busy, setExcluded } = useStudio(
    useShallow((s) => ({ busy: s.scanStatus === 'loading', setExcluded: s.setFileExcluded })),
  );
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
              <ProblemItem
                key={`${problem.kind}-${problem.path}-${index}`}
                problem={problem}
                busy={busy}
                onExclude={(path) => void setExcluded(path, true)}
              />
            ))}
          </ul>
          {problems.length > SHOWN ? (
            <button type="button" className="btn link" onClick={() => setExpanded(!expanded)}>
              {expanded ? 'Show fewer' : `Show all ${problems.length}`}
            </button>
          ) : null}
        </>
      )}
      <ExcludedFiles
        paths={props.excluded}
        busy={busy}
        onInclude={(path) => void setExcluded(path, false)}
      />
    </section>
  );
}
