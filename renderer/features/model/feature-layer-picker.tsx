import { useId } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ModelInfo } from '../../../shared/domain';
import { useStudio } from '../../store/store-context';

/**
 * Where the base is cut: the recommended (or proposed) layer, or any other pooling-ready layer.
 * Changing it re-reads the model; the head then sits on the chosen layer.
 */
export function FeatureLayerPicker(props: { info: ModelInfo }) {
  const { info } = props;
  const id = useId();
  const s = useStudio(
    useShallow((state) => ({
      choose: state.setFeatureLayer,
      busy: state.inspectStatus === 'loading',
    })),
  );
  const recommended = info.recommendedFeatureLayer ?? info.featureLayer;
  const candidates = info.featureCandidates.includes(info.featureLayer)
    ? info.featureCandidates
    : [...info.featureCandidates, info.featureLayer];
  return (
    <div className="feature-picker">
      <label className="field-label" htmlFor={id}>
        Feature layer (where the base is cut)
      </label>
      <select
        id={id}
        className="input mono"
        value={info.featureLayer}
        disabled={s.busy}
        onChange={(event) => void s.choose(event.target.value)}
      >
        {[...candidates].reverse().map((name) => (
          <option key={name} value={name}>
            {name}
            {name === recommended ? ' (recommended)' : ''}
          </option>
        ))}
      </select>
      <span className="muted small">
        {info.featureLayer === recommended
          ? info.catalogId
            ? 'The catalog’s recommendation for this model.'
            : 'Proposed: the last layer before pooling.'
          : 'A layer lower in the network: more general, less specific features.'}
      </span>
    </div>
  );
}
