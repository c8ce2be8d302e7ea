import { useEffect, useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ModelInfo } from '../../../shared/domain';
import { checkFreezePlan, freezableBlocks, topBlockCount } from '../../../shared/freeze-plan';
import { Alert } from '../../components/alert';
import { useStudio } from '../../store/store-context';
import { PlanTotals } from './plan-totals';
import type { PlanEstimate } from './use-plan-estimate';

/**
 * The plan: presets (feature extractor, fine-tune the top K blocks, train everything), the
 * BatchNorm policy, advanced mode, and the live totals.
 */
export function PlanPanel(props: { info: ModelInfo; estimate: PlanEstimate }) {
  const { info } = props;
  const s = useStudio(
    useShallow((state) => ({
      freeze: state.freeze,
      advanced: state.advancedLayers,
      applyPreset: state.applyPreset,
      setPolicy: state.setBatchNormPolicy,
      setAdvanced: state.setAdvancedLayers,
      setAllowSplit: state.setAllowSplitBlocks,
    })),
  );
  const calibrationStatus = useStudio((state) => state.calibrationStatus);
  const calibrate = useStudio((state) => state.calibrate);
  const problems = useMemo(() => checkFreezePlan(info, s.freeze).errors, [info, s.freeze]);
  // Measure this machine's speed once the model is shown (main remembers the answer).
  useEffect(() => {
    if (calibrationStatus === 'idle') void calibrate();
  }, [calibrationStatus, calibrate]);

  const n = freezableBlocks(info).length;
  const top = topBlockCount(info, s.freeze);
  const preset =
    top === 0 ? 'feature-extractor' : top === n ? 'all' : top !== undefined ? 'top' : 'custom';
  const k = top !== undefined && top > 0 && top < n ? top : 2;
  const bn = s.freeze.bnPolicy ?? 'frozen';
  return (
    <aside className="plan-panel" aria-label="Freeze plan">
      <section className="card">
        <h2 className="section-title">What trains</h2>
        <div className="preset-group" role="radiogroup" aria-label="Presets">
          <button
            type="button"
            role="radio"
            aria-checked={preset === 'feature-extractor'}
            className="preset"
            onClick={() => s.applyPreset('feature-extractor')}
          >
            Feature extractor
            <span className="muted small">base frozen</span>
          </button>
          <div className="preset-row">
            <button
              type="button"
              role="radio"
              aria-checked={preset === 'top'}
              className="preset"
              aria-label={`Fine-tune the top ${k} blocks`}
              onClick={() => s.applyPreset('top', k)}
            >
              Fine-tune top {k}
            </button>
            <span className="stepper">
              <button
                type="button"
                className="btn small"
                aria-label="Fine-tune one block fewer"
                disabled={k <= 1}
                onClick={() => s.applyPreset('top', k - 1)}
              >
                −
              </button>
              <span className="stepper-value" aria-hidden="true">
                {k}
              </span>
              <button
                type="button"
                className="btn small"
                aria-label="Fine-tune one block more"
                disabled={k >= n - 1}
                onClick={() => s.applyPreset('top', k + 1)}
              >
                +
              </button>
            </span>
          </div>
          <button
            type="button"
            role="radio"
            aria-checked={preset === 'all'}
            className="preset"
            onClick={() => s.applyPreset('all')}
          >
            Train everything
            <span className="muted small">{n} blocks</span>
          </button>
        </div>
        {preset === 'custom' ? (
          <p className="muted small">Custom plan: blocks toggled one by one.</p>
        ) : null}
      </section>

      <PlanTotals info={info} estimate={props.estimate} />

      {problems.length ? (
        <Alert title="This plan cannot train yet">
          <ul>
            {problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        </Alert>
      ) : null}

      <section className="card">
        <h2 className="section-title">BatchNorm while training</h2>
        <div className="radio-list" role="radiogroup" aria-label="BatchNorm policy">
          <label>
            <input
              type="radio"
              name="bn-policy"
              checked={bn === 'frozen'}
              onChange={() => s.setPolicy('frozen')}
            />
            <span>
              Keep the learned statistics
              <small>
                Recommended (Keras guide): BatchNorm normalises with its moving averages.
              </small>
            </span>
          </label>
          <label>
            <input
              type="radio"
              name="bn-policy"
              checked={bn === 'adapt'}
              onChange={() => s.setPolicy('adapt')}
            />
            <span>
              Let BatchNorm adapt
              <small>
                fastai’s train_bn: every BatchNorm trains and follows your images’ statistics, so
                the backward pass reaches the first layer.
              </small>
            </span>
          </label>
        </div>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={s.advanced}
            onChange={(event) => s.setAdvanced(event.target.checked)}
          />
          Advanced: toggle single layers
        </label>
        {s.advanced ? (
          <label className="checkbox">
            <input
              type="checkbox"
              checked={Boolean(s.freeze.allowSplitBlocks)}
              onChange={(event) => s.setAllowSplit(event.target.checked)}
            />
            Allow splitting residual blocks
          </label>
        ) : null}
      </section>
    </aside>
  );
}
