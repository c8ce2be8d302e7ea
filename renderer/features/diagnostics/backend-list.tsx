import type { BackendAttempt, BackendName, BackendReport } from '../../../shared/domain';

/** The chain in the order the worker tries it, with what each means for speed. */
const chain: { name: BackendName; title: string; speed: string }[] = [
  { name: 'tensorflow-gpu', title: 'TensorFlow on the GPU', speed: 'fastest (NVIDIA CUDA)' },
  { name: 'tensorflow', title: 'TensorFlow native', speed: 'fast (all CPU cores)' },
  { name: 'wasm', title: 'WebAssembly', speed: 'moderate (SIMD, threads)' },
  { name: 'cpu', title: 'Plain JavaScript', speed: 'slowest (last resort)' },
];

export type BackendState = 'loaded' | 'failed' | 'not-tried';

export interface BackendRow {
  name: BackendName;
  title: string;
  speed: string;
  state: BackendState;
  chosen: boolean;
  attempts: BackendAttempt[];
}

/**
 * One row per backend of the chain. A backend can be tried more than once (the npm package,
 * then a TensorFlow built from pip); it counts as loaded when any try worked. Backends after
 * the chosen one are never tried: the chain stops at the first that loads.
 */
export function backendRows(report: BackendReport): BackendRow[] {
  return chain.map((entry) => {
    const attempts = report.attempts.filter((attempt) => attempt.name === entry.name);
    const state: BackendState = attempts.some((a) => a.ok)
      ? 'loaded'
      : attempts.length > 0
        ? 'failed'
        : 'not-tried';
    return { ...entry, state, chosen: report.chosen === entry.name, attempts };
  });
}

const stateText: Record<BackendState, string> = {
  loaded: 'Loaded',
  failed: 'Did not load',
  'not-tried': 'Not tried',
};

/** One try; a failed try of a backend that loaded another way needs no fix, only a mention. */
function AttemptDetail(props: { attempt: BackendAttempt; backendLoaded: boolean }) {
  const { attempt } = props;
  const showFix = !attempt.ok && !props.backendLoaded && attempt.fix;
  return (
    <div
      className={attempt.ok ? 'attempt ok' : props.backendLoaded ? 'attempt superseded' : 'attempt'}
    >
      <p>
        <span className="attempt-mark" aria-hidden="true">
          {attempt.ok ? '✓' : '✕'}
        </span>{' '}
        {attempt.detail}
      </p>
      {showFix ? (
        <p className="attempt-fix">
          <strong>How to fix: </strong>
          {attempt.fix}
        </p>
      ) : null}
    </div>
  );
}

export function BackendList(props: { report: BackendReport }) {
  const rows = backendRows(props.report);
  return (
    <ul className="backend-list" aria-label="Compute backends">
      {rows.map((row) => (
        <li
          key={row.name}
          className={`backend-row backend-${row.state}${row.chosen ? ' chosen' : ''}`}
          data-backend={row.name}
          data-state={row.state}
        >
          <div className="backend-head">
            <span className={`backend-dot dot-${row.state}`} aria-hidden="true" />
            <span className="backend-title">{row.title}</span>
            <code className="backend-id">{row.name}</code>
            <span className="backend-speed">{row.speed}</span>
            <span className="spacer" />
            {row.chosen ? <span className="badge ok">In use</span> : null}
            <span className={`backend-state state-${row.state}`}>{stateText[row.state]}</span>
          </div>
          {row.attempts.length > 0 ? (
            <div className="backend-attempts">
              {/* What loaded first, then the tries that did not. */}
              {[...row.attempts]
                .sort((a, b) => Number(b.ok) - Number(a.ok))
                .map((attempt, index) => (
                  <AttemptDetail
                    key={index}
                    attempt={attempt}
                    backendLoaded={row.state === 'loaded'}
                  />
                ))}
            </div>
          ) : (
            <p className="backend-note muted">
              {row.state === 'not-tried'
                ? 'A faster backend loaded first, so this one was not needed.'
                : null}
            </p>
          )}
        </li>
      ))}
    </ul>
  );
}
