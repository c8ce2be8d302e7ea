import { useShallow } from 'zustand/react/shallow';
import type { ModelInfo } from '../../../shared/domain';
import { formatCount } from '../../components/format';
import { ProgressBar } from '../../components/progress-bar';
import { useStudio } from '../../store/store-context';
import { formatMemory, formatParams, formatSeconds } from './model-format';
import type { PlanEstimate } from './use-plan-estimate';

/** Live totals of the plan: what trains, how much compute needs a backward pass, time, memory. */
/** chooseImageSize's reason without the size it starts with: "auto: the images' median…". */
function sizeWhy(reason: string): string {
  return reason.replace(/^\d+ px,?\s*/, '').replace(/^\((.*)\)$/, '$1');
}

export function PlanTotals(props: { info: ModelInfo; estimate: PlanEstimate }) {
  const { estimate } = props;
  const { totals, epoch, counts } = estimate;
  const s = useStudio(
    useShallow((state) => ({
      status: state.calibrationStatus,
      error: state.calibrationError,
      calibrate: state.calibrate,
    })),
  );
  const calibration = estimate.calibration;
  const share = totals.backwardShare * 100;
  const images = `${formatCount(counts.train)} training + ${formatCount(counts.val)} validation images`;
  return (
    <section className="card" aria-labelledby="totals-heading" data-testid="plan-totals">
      <h2 id="totals-heading" className="section-title">
        Totals
      </h2>
      <div className="totals" aria-live="polite">
        <div>
          <div className="total-label">Trainable parameters</div>
          <div className="total-value" data-testid="total-trainable">
            {formatCount(totals.trainableParams)}
          </div>
          <div className="total-detail">
            of {formatCount(totals.totalParams)} ({formatParams(totals.headParams)} in the head)
          </div>
          <p className="total-detail" data-testid="freeze-summary">
            {totals.endToEnd
              ? `${formatCount(totals.baseTrainableParams)} base parameters fine-tune.`
              : 'The whole base is frozen: a fixed feature extractor; only the head trains.'}
          </p>
        </div>
        <div>
          <div className="total-label">Compute that needs a backward pass</div>
          <div className="total-value" data-testid="total-backward">
            {share < 0.1 && share > 0 ? '<0.1' : share.toFixed(1)}%
          </div>
          <div className="share-bar" aria-hidden="true">
            <div className="share-fill" style={{ width: `${Math.min(100, share)}%` }} />
          </div>
        </div>
        <div>
          <div className="total-label">Estimated time per epoch</div>
          {epoch ? (
            <>
              <div className="total-value" data-testid="total-epoch">
                {formatSeconds(epoch.epochSeconds)}
              </div>
              <div className="total-detail">
                {epoch.setupSeconds > 0
                  ? `+ ${formatSeconds(epoch.setupSeconds)} once, to run the frozen part over every image`
                  : 'every image goes through the whole network each epoch'}
              </div>
            </>
          ) : s.status === 'error' ? (
            <div className="total-detail" role="alert">
              {s.error}{' '}
              <button type="button" className="btn link" onClick={() => void s.calibrate(true)}>
                Measure again
              </button>
            </div>
          ) : (
            <>
              <div className="total-detail">Measuring this computer’s speed (a few seconds)…</div>
              <ProgressBar label="Measuring speed" value={null} />
            </>
          )}
        </div>
        <div>
          <div className="total-label">Estimated memory</div>
          <div className="total-value" data-testid="total-memory">
            {formatMemory(estimate.memoryBytes)}
          </div>
          <div className="total-detail">batch of {estimate.batchSize}</div>
        </div>
      </div>
      <p className="field-hint">
        {counts.assumed ? `For ${images} (no dataset added yet)` : `For ${images}`}
        {`, each scaled to ${estimate.imageSize} × ${estimate.imageSize} px for the base (`}
        <span data-testid="image-size-reason">{sizeWhy(estimate.imageSizeReason)}</span>
        {'; Image size on the Train tab changes it)'}
        {calibration ? (
          <>
            {'; measured on '}
            <span data-testid="calibration-backend">{calibration.backend}</span>
            {calibration.batchSize !== estimate.batchSize
              ? ` at batch ${calibration.batchSize} (batch size changed: `
              : '. '}
            <button
              type="button"
              className="btn link"
              disabled={s.status === 'loading'}
              onClick={() => void s.calibrate(true)}
            >
              {s.status === 'loading' ? 'measuring…' : 'measure again'}
            </button>
            {calibration.batchSize !== estimate.batchSize ? ')' : ''}
          </>
        ) : (
          '.'
        )}
      </p>
    </section>
  );
}
