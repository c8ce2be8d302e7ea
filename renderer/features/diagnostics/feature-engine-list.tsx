import type { FeatureEngineName, FeatureEngineReport } from '../../../shared/domain';

/** What each engine is, in the order the worker tries them. */
const titles: Record<FeatureEngineName, string> = {
  'onnxruntime-cuda': 'ONNX Runtime on an NVIDIA GPU (CUDA)',
  'onnxruntime-coreml': 'ONNX Runtime on Apple CoreML',
  'onnxruntime-dml': 'ONNX Runtime on the GPU (DirectML)',
  'onnxruntime-cpu': 'ONNX Runtime on the CPU (all cores)',
  tfjs: 'TensorFlow.js (the training backend above)',
};

/**
 * Which engine computes features (the frozen layers' output, the longest part of a run on a
 * large folder) and why the others are not used, with what to do about it.
 */
export function FeatureEngineList(props: { report: FeatureEngineReport }) {
  const { report } = props;
  return (
    <section aria-labelledby="feature-engine-title">
      <h3 id="feature-engine-title">Feature extraction</h3>
      <p className="muted">
        Features are computed by <strong>{report.description}</strong>.
      </p>
      <ul className="backend-list" aria-label="Feature engines">
        {report.attempts.map((attempt) => {
          const chosen = attempt.name === report.chosen;
          const state = chosen ? 'loaded' : attempt.ok ? 'not-tried' : 'failed';
          return (
            <li
              key={attempt.name}
              className={`backend-row backend-${state}${chosen ? ' chosen' : ''}`}
              data-engine={attempt.name}
              data-state={state}
            >
              <div className="backend-head">
                <span className={`backend-dot dot-${state}`} aria-hidden="true" />
                <span className="backend-title">{titles[attempt.name]}</span>
                <code className="backend-id">{attempt.name}</code>
                <span className="spacer" />
                {chosen ? <span className="badge ok">In use</span> : null}
                <span className={`backend-state state-${state}`}>
                  {chosen ? 'Loaded' : attempt.ok ? 'Fallback' : 'Not used'}
                </span>
              </div>
              <div className="backend-attempts">
                <div className={attempt.ok ? 'attempt ok' : 'attempt'}>
                  <p>{attempt.detail}</p>
                  {!attempt.ok && attempt.fix ? (
                    <p className="attempt-fix">
                      <strong>How to fix: </strong>
                      {attempt.fix}
                    </p>
                  ) : null}
                </div>
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
