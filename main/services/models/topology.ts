/**
 * Reads a layers model's topology straight from model.json, without TF.js: enough to find which
 * nested model holds a layer and what input size it takes, cheaply, in the main process.
 */

interface LayerJson {
  class_name?: string;
  name?: string;
  config?: unknown;
}

const MODEL_CLASSES = new Set(['Sequential', 'Model', 'Functional']);

/** The top-level model config: `model_config` in old Keras exports, the topology itself otherwise. */
function rootModel(topology: Record<string, unknown>): LayerJson {
  const wrapped = topology.model_config;
  return (wrapped && typeof wrapped === 'object' ? wrapped : topology) as LayerJson;
}

/** The layers of a model config; Sequential configs are a bare list in Keras 2.1 exports. */
function layersOf(model: LayerJson): LayerJson[] {
  const config = model.config;
  if (Array.isArray(config)) return config as LayerJson[];
  if (
    config &&
    typeof config === 'object' &&
    Array.isArray((config as { layers?: unknown }).layers)
  ) {
    return (config as { layers: LayerJson[] }).layers;
  }
  return [];
}

function nameOf(layer: LayerJson): string | undefined {
  const fromConfig = (layer.config as { name?: unknown } | undefined)?.name;
  return typeof fromConfig === 'string' ? fromConfig : layer.name;
}

/** Index path of the nested model holding `layerName` ([] = top level), as in load-layers-model. */
export function findLayerPathInTopology(
  topology: Record<string, unknown>,
  layerName: string,
): number[] | undefined {
  const search = (model: LayerJson): number[] | undefined => {
    const layers = layersOf(model);
    if (layers.some((layer) => nameOf(layer) === layerName)) return [];
    for (const [index, layer] of layers.entries()) {
      if (!MODEL_CLASSES.has(layer.class_name ?? '')) continue;
      const inner = search(layer);
      if (inner) return [index, ...inner];
    }
    return undefined;
  };
  return search(rootModel(topology));
}

/** Height and width the model's first layer declares, when it declares them. */
export function declaredInputSize(topology: Record<string, unknown>): [number, number] | undefined {
  let model = rootModel(topology);
  for (;;) {
    const first = layersOf(model)[0];
    if (!first) return undefined;
    if (MODEL_CLASSES.has(first.class_name ?? '')) {
      model = first;
      continue;
    }
    const config = (first.config ?? {}) as {
      batch_input_shape?: unknown;
      batchInputShape?: unknown;
    };
    const shape = config.batch_input_shape ?? config.batchInputShape;
    if (Array.isArray(shape) && typeof shape[1] === 'number' && typeof shape[2] === 'number') {
      return [shape[1], shape[2]];
    }
    return undefined;
  }
}
