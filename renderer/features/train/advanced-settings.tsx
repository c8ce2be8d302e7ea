import { useShallow } from 'zustand/react/shallow';
import type { BackendChoice, LrSchedule } from '../../../shared/domain';
import { describePlan } from '../../../shared/freeze-plan';
import { useStudio } from '../../store/store-context';
import { balancedClassWeights } from '../../store/training-settings';
import { NumberField, Segmented, SelectField, Switch } from './fields';

const schedules: { value: LrSchedule; label: string; hint: string }[] = [
  { value: 'constant', label: 'Constant', hint: 'The same rate for every epoch.' },
  { value: 'step', label: 'Step decay', hint: 'Lowers the rate in steps as training goes on.' },
  { value: 'cosine', label: 'Cosine decay', hint: 'Lowers the rate smoothly towards zero.' },
  {
    value: 'one-cycle',
    label: 'One-cycle',
    hint: 'Warms up to the rate, then anneals: fast and forgiving.',
  },
];

const imageSizes = [
  { value: 'auto', label: 'Automatic (from your images)' },
  { value: 'native', label: 'The base model’s own size' },
  ...[160, 192, 224, 256, 288, 320, 352, 384, 448, 512].map((px) => ({
    value: String(px),
    label: `${px} × ${px} px`,
  })),
];

const backendLabels: Record<BackendChoice, string> = {
  auto: 'Automatic (best available)',
  'tensorflow-gpu': 'TensorFlow GPU (CUDA)',
  tensorflow: 'TensorFlow native (CPU)',
  wasm: 'WebAssembly',
  cpu: 'Plain JavaScript (slowest)',
};

/** The class-weight choice, with the weights 'balanced' applies to this dataset. */
function ClassWeights(props: { disabled: boolean }) {
  const s = useStudio(
    useShallow((state) => ({
      value: state.trainParams.classWeights,
      dataset: state.dataset,
      set: state.setTrainParam,
    })),
  );
  const balance = s.dataset ? balancedClassWeights(s.dataset) : null;
  return (
    <div className="field-group" data-testid="class-weights">
      <Segmented
        name="classWeights"
        label="Class weights"
        value={s.value}
        disabled={props.disabled}
        options={[
          { value: 'none', label: 'None' },
          { value: 'balanced', label: 'Balanced' },
        ]}
        onChange={(value) => s.set('classWeights', value)}
      />
      {balance ? (
        <p className="field-hint">
          {balance.imbalanced
            ? 'The dataset doctor found the classes imbalanced. Balanced weights: '
            : 'Classes are about even; balanced weights change little: '}
          {balance.weights.map((w, i) => (
            <span key={w.name}>
              {i > 0 ? ', ' : null}
              {w.name} <strong className="mono">×{w.weight.toFixed(2)}</strong>
            </span>
          ))}
        </p>
      ) : (
        <p className="field-hint">Balanced weighs rare classes up so each counts equally.</p>
      )}
    </div>
  );
}

/** Everything beyond epochs, rate and batch size, in groups a curious user can read through. */
export function AdvancedSettings(props: { disabled: boolean }) {
  const s = useStudio(
    useShallow((state) => ({
      p: state.trainParams,
      set: state.setTrainParam,
      fineTunes: state.fineTunes(),
      plan: state.modelInfo ? describePlan(state.modelInfo, state.freezePlan()) : '',
      attempts: state.backendReport?.attempts,
    })),
  );
  const { p, set } = s;
  const off = props.disabled;
  const schedule = schedules.find((entry) => entry.value === p.schedule);
  const failed = new Set(s.attempts?.filter((a) => !a.ok).map((a) => a.name));
  return (
    <div className="advanced">
      <div className="field-group">
        <h3 className="group-title">Optimizer</h3>
        <Segmented
          name="optimizer"
          label="Method"
          value={p.optimizer}
          disabled={off}
          options={[
            { value: 'adam', label: 'Adam' },
            { value: 'sgd', label: 'SGD + momentum' },
          ]}
          onChange={(value) => set('optimizer', value)}
        />
        {p.optimizer === 'sgd' ? (
          <NumberField
            name="momentum"
            label="Momentum"
            value={p.momentum}
            step="0.05"
            min="0"
            max="0.999"
            disabled={off}
            hint="0.9 is the usual choice."
            onChange={(value) => set('momentum', value)}
          />
        ) : null}
        <SelectField
          name="schedule"
          label="Learning-rate schedule"
          value={p.schedule}
          disabled={off}
          options={schedules}
          hint={schedule?.hint}
          onChange={(value) => set('schedule', value)}
        />
      </div>

      <div className="field-group">
        <h3 className="group-title">Against overfitting</h3>
        <NumberField
          name="labelSmoothing"
          label="Label smoothing"
          value={p.labelSmoothing}
          step="0.05"
          min="0"
          max="0.5"
          disabled={off}
          hint="0.1 keeps the model from being over-confident; 0 turns it off."
          onChange={(value) => set('labelSmoothing', value)}
        />
        <div className="field">
          <span className="field-label">Early stopping</span>
          <div className="inline-row">
            <Switch
              label="Early stopping"
              checked={p.earlyStopping}
              disabled={off}
              onChange={(value) => set('earlyStopping', value)}
            />
            <label className="inline-field">
              <span>after</span>
              <input
                className="input narrow"
                type="number"
                name="patience"
                aria-label="Patience (epochs)"
                min="1"
                max="100"
                step="1"
                value={p.patience}
                disabled={off || !p.earlyStopping}
                onChange={(event) => set('patience', event.target.value)}
              />
              <span>epochs without progress</span>
            </label>
          </div>
          <span className="field-hint">
            Stops when validation loss stalls; keeps the best epoch.
          </span>
        </div>
        <ClassWeights disabled={off} />
      </div>

      <div className="field-group">
        <h3 className="group-title">Fine-tuning</h3>
        {s.fineTunes ? (
          <>
            <NumberField
              name="fineTuneEpochs"
              label="Fine-tuning epochs"
              value={p.fineTuneEpochs}
              step="1"
              min="0"
              disabled={off}
              hint={`After the head's epochs, this many more with the base's ${s.plan.replace(' fine-tuned', '')} training too.`}
              onChange={(value) => set('fineTuneEpochs', value)}
            />
            <NumberField
              name="fineTuneFactor"
              label="Fine-tuning rate factor"
              value={p.fineTuneFactor}
              step="0.05"
              min="0"
              max="1"
              disabled={off}
              hint="Base layers learn at the learning rate × this factor, so they change gently."
              onChange={(value) => set('fineTuneFactor', value)}
            />
          </>
        ) : (
          <p className="field-hint">
            The base is frozen, so only the new head trains. Unfreeze base layers on the Model tab
            to add a second, gentler phase that fine-tunes them.
          </p>
        )}
        <p className="field-hint">
          The head’s size (hidden units) and dropout are set with the head on the Model tab.
        </p>
      </div>

      <div className="field-group">
        <h3 className="group-title">Reproducibility and hardware</h3>
        <NumberField
          name="seed"
          label="Seed"
          value={p.seed}
          step="1"
          min="0"
          disabled={off}
          hint="The same seed and settings give the same run."
          onChange={(value) => set('seed', value)}
        />
        <SelectField
          name="imageSize"
          label="Image size"
          value={p.imageSize}
          disabled={off}
          options={
            imageSizes.some((option) => option.value === p.imageSize)
              ? imageSizes
              : [...imageSizes, { value: p.imageSize, label: `${p.imageSize} × ${p.imageSize} px` }]
          }
          hint="Automatic gives the base as much of your images’ detail as they have: their median shorter side, from the base’s own size up to 1.7× it (384 px for a 224-px base). Larger sizes see small things better; the time grows with the square of the size."
          onChange={(value) => set('imageSize', value)}
        />
        <SelectField
          name="backend"
          label="Backend"
          value={p.backend}
          disabled={off}
          options={(Object.keys(backendLabels) as BackendChoice[]).map((value) => ({
            value,
            label: `${backendLabels[value]}${value !== 'auto' && failed.has(value) ? ' — not available' : ''}`,
          }))}
          hint="Automatic picks the fastest that loads; the status bar's GPU doctor says why others did not."
          onChange={(value) => set('backend', value)}
        />
      </div>
    </div>
  );
}
