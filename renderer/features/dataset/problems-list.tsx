import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { DatasetProblem, ProblemKind } from '../../../shared/domain';
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

/** Kinds present, most frequent first, for the filter. */
function kindCounts(problems: DatasetProblem[]): [ProblemKind, number][] {
  const counts = new Map<ProblemKind, number>();
  for (const problem of problems) counts.set(problem.kind, (counts.get(problem.kind) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** Shows one kind of problem, or all of them. */
function KindFilter(props: {
  problems: DatasetProblem[];
  value: ProblemKind | 'all';
  onChange(kind: ProblemKind | 'all'): void;
}) {
  const kinds = kindCounts(props.problems);
  if (kinds.length < 2) return null;
  return (
    <div className="problems-toolbar">
      <label htmlFor="problem-kind-filter" className="field-label">
        Show
      </label>
      <select
        id="problem-kind-filter"
        className="input"
        value={props.value}
        onChange={(event) => props.onChange(event.target.value as ProblemKind | 'all')}
      >
        <option value="all">All problems ({props.problems.length})</option>
        {kinds.map(([kind, count]) => (
          <option key={kind} value={kind}>
            {kind.replace(/-/g, ' ')} ({count})
          </option>
        ))}
      </select>
    </div>
  );
}

/** What the scan found wrong, each with what to do about it. */
export function ProblemsList(props: { problems: DatasetProblem[]; excluded: string[] }) {
  const [expanded, setExpanded] = useState(false);
  const [kind, setKind] = useState<ProblemKind | 'all'>('all');
  const { busy, setExcluded, showFile, fileNotice } = useStudio(
    useShallow((s) => ({
      busy: s.scanStatus === 'loading',
      setExcluded: s.setFileExcluded,
      showFile: s.showDatasetFile,
      fileNotice: s.datasetFileNotice,
    })),
  );
  // A kind that a rescan made disappear falls back to showing everything.
  const activeKind = props.problems.some((problem) => problem.kind === kind) ? kind : 'all';
  const problems =
    activeKind === 'all'
      ? props.problems
      : props.problems.filter((problem) => problem.kind === activeKind);
  return (
    <section aria-labelledby="problems-heading">
      <h2 id="problems-heading" className="section-title">
        Problems <span className="count-badge">{props.problems.length}</span>
      </h2>
      <KindFilter problems={props.problems} value={activeKind} onChange={setKind} />
      <p className="muted small" role="status" data-testid="file-notice">
        {fileNotice ?? ''}
      </p>
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
                onShow={(path) => void showFile(path)}
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
