import { useShallow } from 'zustand/react/shallow';
import { augmentAmount } from '../../../shared/augment-units';
import { formatCount } from '../../components/format';
import { useStudio } from '../../store/store-context';
import { augmentationOn, augmentNames, type AugmentName } from '../../store/training-settings';
import { AugmentPreview } from './augment-preview';
import { Switch } from './fields';

const options: Record<AugmentName, { label: string; what: string }> = {
  flip: { label: 'Flip', what: 'Mirrors the image left to right.' },
  rotation: { label: 'Rotation', what: 'Turns the image a little either way.' },
  zoom: { label: 'Zoom and crop', what: 'Zooms in and crops a random part.' },
  exposure: { label: 'Exposure', what: 'Makes it brighter or darker.' },
  noise: { label: 'Noise', what: 'Adds grain, like a dim photo.' },
  blur: { label: 'Blur', what: 'Softens it, like a shaky photo.' },
};

function strengthWord(strength: number): string {
  return strength < 0.25 ? 'gentle' : strength < 0.6 ? 'moderate' : 'strong';
}

function AugmentRow(props: { name: AugmentName; disabled: boolean }) {
  const option = useStudio((s) => s.augmentation[props.name]);
  const setOption = useStudio((s) => s.setAugmentOption);
  const { label, what } = options[props.name];
  const amount = augmentAmount(props.name, option.strength);
  return (
    <li className={option.enabled ? 'augment-row on' : 'augment-row'} data-augment={props.name}>
      <div className="augment-text">
        <span className="augment-label">{label}</span>
        <span className="field-hint">{what}</span>
      </div>
      <Switch
        label={label}
        checked={option.enabled}
        disabled={props.disabled}
        onChange={(enabled) => setOption(props.name, { enabled })}
      />
      <input
        className="slider"
        type="range"
        min="0"
        max="1"
        step="0.05"
        aria-label={`${label} strength`}
        aria-valuetext={`${amount} (${strengthWord(option.strength)})`}
        value={option.strength}
        disabled={props.disabled || !option.enabled}
        onChange={(event) => setOption(props.name, { strength: Number(event.target.value) })}
      />
      <span className="augment-strength" aria-hidden="true" data-testid="augment-amount">
        {option.enabled ? amount : '—'}
      </span>
    </li>
  );
}

/** The sentence about the feature cache, with the control for K (views per image). */
function CacheViews(props: { disabled: boolean }) {
  const s = useStudio(
    useShallow((state) => ({
      on: augmentationOn(state.augmentation),
      views: state.augmentation.viewsPerImage,
      trainImages: state.dataset?.split.train ?? null,
      fineTunes: state.fineTunes(),
      setViews: state.setViewsPerImage,
    })),
  );
  return (
    <div className="cache-views">
      <label className="inline-field">
        <span className="field-label">Views per image</span>
        <input
          className="input narrow"
          type="number"
          name="viewsPerImage"
          min="1"
          max="32"
          step="1"
          value={s.views}
          disabled={props.disabled || !s.on}
          onChange={(event) => s.setViews(Number(event.target.value))}
        />
      </label>
      <p className="field-hint" data-testid="cache-sentence">
        {s.on ? (
          <>
            {s.views === 1
              ? 'With 1 view per image only the original is computed and cached, so augmentation has no effect on cached features: choose 2 or more views.'
              : `${s.views} views per image (the original and ${s.views - 1} augmented) are computed once and cached; each epoch picks one.`}
            {s.trainImages !== null
              ? ` That is ${formatCount(s.trainImages * s.views)} feature vectors for ${formatCount(s.trainImages)} training images.`
              : ''}{' '}
            More views give more variety and a longer first epoch; later epochs cost only the head.
            {s.fineTunes
              ? ' With base layers unfrozen, the frozen layers below them are cached the same way; if the very first layers train, images are augmented afresh every epoch instead.'
              : ''}
          </>
        ) : (
          'Augmentation is off: each image’s features are computed once and cached, and every epoch reuses them.'
        )}
      </p>
    </div>
  );
}

/** Create ML's augmentation set: each option on/off with a strength, and a live preview. */
export function AugmentationPanel(props: { disabled: boolean }) {
  return (
    <div className="augmentation">
      <div className="augment-controls">
        <ul className="augment-list" aria-label="Augmentation options">
          {augmentNames.map((name) => (
            <AugmentRow key={name} name={name} disabled={props.disabled} />
          ))}
        </ul>
        <CacheViews disabled={props.disabled} />
      </div>
      <AugmentPreview />
    </div>
  );
}

/** One line for the closed panel: what is on. */
export function useAugmentationSummary(): string {
  return useStudio((s) => {
    const on = augmentNames.filter((name) => s.augmentation[name].enabled);
    if (on.length === 0) return 'Off';
    return `${on.map((name) => options[name].label.toLowerCase()).join(', ')} · ${s.augmentation.viewsPerImage} views per image`;
  });
}
