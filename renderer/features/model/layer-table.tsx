import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { LayerInfo } from '../../../shared/domain';
import { formatCount, formatShape } from '../../components/format';
import { useStudio } from '../../store/store-context';

/** The base's layers with a freeze toggle on each layer that has weights. */
export function LayerTable(props: { layers: LayerInfo[] }) {
  const [showAll, setShowAll] = useState(false);
  const { trainable, toggle, freezeAll } = useStudio(
    useShallow((s) => ({
      trainable: s.trainableLayers,
      toggle: s.toggleLayerTrainable,
      freezeAll: s.freezeAllLayers,
    })),
  );
  const withWeights = props.layers.filter((layer) => layer.hasWeights);
  const shown = showAll ? props.layers : withWeights;
  const trainableParams = withWeights
    .filter((layer) => trainable.includes(layer.name))
    .reduce((sum, layer) => sum + layer.params, 0);
  return (
    <section aria-labelledby="layers-heading">
      <div className="section-row">
        <h2 id="layers-heading" className="section-title">
          Layers
        </h2>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={showAll}
            onChange={(event) => setShowAll(event.target.checked)}
          />
          Show layers without weights
        </label>
        <button
          type="button"
          className="btn small"
          onClick={freezeAll}
          disabled={trainable.length === 0}
        >
          Freeze all
        </button>
      </div>
      <p className="muted" data-testid="freeze-summary">
        {trainable.length === 0
          ? `All ${withWeights.length} layers with weights are frozen: the base is a fixed feature extractor and only the new head trains. Fast, and the best start for small datasets.`
          : `${trainable.length} of ${withWeights.length} layers will fine-tune (${formatCount(trainableParams)} parameters). Use a low learning rate (e.g. 0.0001).`}
      </p>
      <div className="table-wrap">
        <table className="table layers">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Layer</th>
              <th scope="col">Type</th>
              <th scope="col">Output</th>
              <th scope="col" className="num">
                Params
              </th>
              <th scope="col">Train</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((layer) => {
              const on = trainable.includes(layer.name);
              return (
                <tr key={layer.name} className={on ? 'unfrozen' : undefined}>
                  <td className="num muted">{layer.index}</td>
                  <td className="mono">{layer.name}</td>
                  <td>{layer.className}</td>
                  <td className="mono muted">{formatShape(layer.outputShape)}</td>
                  <td className="num">{formatCount(layer.params)}</td>
                  <td>
                    {layer.hasWeights ? (
                      <label className="switch">
                        <input
                          type="checkbox"
                          role="switch"
                          checked={on}
                          aria-label={`Train ${layer.name}`}
                          onChange={() => toggle(layer.name)}
                        />
                        <span className="switch-track" aria-hidden="true" />
                        <span className="switch-text">{on ? 'Trains' : 'Frozen'}</span>
                      </label>
                    ) : (
                      <span className="muted small">no weights</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
