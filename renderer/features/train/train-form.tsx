import { useId, type FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../../store/store-context';
import { isRunActive } from '../../store/training-slice';
import { AdvancedSettings } from './advanced-settings';
import { AugmentationPanel, useAugmentationSummary } from './augmentation-panel';
import { Disclosure } from './disclosure';
import { NumberField } from './fields';
import { LrFinder } from './lr-finder';
import { RunControls } from './run-controls';

/** One line for the closed Advanced panel: the choices that differ most between recipes. */
function useAdvancedSummary(): string {
  return useStudio((s) => {
    const p = s.trainParams;
    const parts = [
      p.optimizer === 'adam' ? 'Adam' : 'SGD',
      `${p.schedule} schedule`,
      p.earlyStopping ? `early stopping (${p.patience})` : 'no early stopping',
      `${p.classWeights} class weights`,
    ];
    if (p.backend !== 'auto') parts.push(`backend ${p.backend}`);
    return parts.join(' · ');
  });
}

/**
 * The Train settings: three fields a novice can leave as they are, then Advanced,
 * Augmentation and the learning-rate finder behind disclosures, then the run controls.
 */
export function TrainForm() {
  const s = useStudio(
    useShallow((state) => ({
      params: state.trainParams,
      active: isRunActive(state.runStatus),
      setParam: state.setTrainParam,
      start: state.startTraining,
      reset: state.resetTrainSettings,
    })),
  );
  const formId = useId();
  const advancedSummary = useAdvancedSummary();
  const augmentationSummary = useAugmentationSummary();
  const lrSummary = useStudio((state) =>
    state.lrFindResult ? 'suggestion ready' : 'optional: finds a good learning rate',
  );
  function submit(event: FormEvent): void {
    event.preventDefault();
    void s.start();
  }
  return (
    <section className="card train-form" aria-label="Training settings">
      <form id={formId} onSubmit={submit} className="train-fields">
        <div className="form-grid">
          <NumberField
            name="epochs"
            label="Epochs"
            value={s.params.epochs}
            step="1"
            min="1"
            disabled={s.active}
            hint="Passes over the training images."
            onChange={(value) => s.setParam('epochs', value)}
          />
          <NumberField
            name="learningRate"
            label="Learning rate"
            value={s.params.learningRate}
            min="0"
            disabled={s.active}
            hint="Step size of each update; the finder below can pick one."
            onChange={(value) => s.setParam('learningRate', value)}
          />
          <NumberField
            name="batchSize"
            label="Batch size"
            value={s.params.batchSize}
            step="1"
            min="1"
            disabled={s.active}
            hint="Images per update."
            onChange={(value) => s.setParam('batchSize', value)}
          />
        </div>
      </form>
      {/* Enter in one of the fields above starts training (the submit button is in the controls). */}
      <div className="disclosures">
        <Disclosure panel="advanced" title="Advanced" summary={advancedSummary}>
          <AdvancedSettings disabled={s.active} />
          <button type="button" className="btn link" onClick={s.reset} disabled={s.active}>
            Reset all settings to the recommended recipe
          </button>
        </Disclosure>
        <Disclosure panel="augmentation" title="Augmentation" summary={augmentationSummary}>
          <AugmentationPanel disabled={s.active} />
        </Disclosure>
        <Disclosure panel="lrFinder" title="Learning-rate finder" summary={lrSummary}>
          <LrFinder />
        </Disclosure>
      </div>
      <RunControls formId={formId} />
    </section>
  );
}
