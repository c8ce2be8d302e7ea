import type { DatasetProblem, DatasetSummary } from '../../shared/domain';

/** Root-level findings that mean "this folder cannot be used at all". */
const ROOT_FAILURES = new Set<DatasetProblem['kind']>(['vanished', 'unreadable', 'symlink-loop']);

export function trimSeparators(value: string): string {
  return value.length > 1 ? value.replace(/[\\/]+$/, '') : value;
}

/**
 * Why a typed path cannot be sent as is, or null. The server resolves relative paths against
 * its own working folder and does not expand "~", so only absolute paths mean what the user meant.
 */
export function checkTypedPath(value: string): string | null {
  if (value.startsWith('~')) {
    return `Write the full path instead of "~" (for example /home/you/${value.slice(2) || 'photos'}).`;
  }
  const absolute =
    value.startsWith('/') || /^[A-Za-z]:[\\/]/.test(value) || value.startsWith('\\\\');
  return absolute
    ? null
    : 'Use the full path of the folder, starting with / (or a drive letter such as C:\\ on Windows).';
}

/** The root problems a scan reported for the given (newly added) folders. */
export function refusedRoots(summary: DatasetSummary, roots: string[]): DatasetProblem[] {
  const wanted = new Set(roots.map(trimSeparators));
  return summary.problems.filter(
    (problem) => ROOT_FAILURES.has(problem.kind) && wanted.has(trimSeparators(problem.path)),
  );
}

/** One message for refused folders: what is wrong with each and what to do. */
export function describeRefusal(problems: DatasetProblem[]): string {
  return problems
    .map((problem) =>
      problem.kind === 'vanished'
        ? `There is no folder at ${problem.path}. Check the spelling; the folder must exist on the computer running the studio.`
        : `${problem.path}: ${problem.message} ${problem.action}`,
    )
    .join('\n');
}
