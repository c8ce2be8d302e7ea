/**
 * Reads a layers model's topology straight from model.json, without TF.js: enough to find which
 * nested model holds a layer, what input size it takes, and the layer graph the analysis walks,
 * cheaply, in the main process.
 */

export interface LayerJson {
  class_name?: string;
  name?: string;
  config?: unknown;
  inbound_nodes?: unknown;
}

export const MODEL_CLASSES = new Set(['Sequential', 'Model', 'Functional']);

/** The top-level model config: `model_config` in old Keras exports, the topology itself otherwise. */
export function rootModel(topology: Record<string, unknown>): LayerJson {
  const wrapped = topology.model_config;
  return (wrapped && typeof wrapped === 'object' ? wrapped : topology) as LayerJson;
}

/** The layers of a model config; Sequential configs are a bare list in Keras 2.1 exports. */
export function layersOf(model: LayerJson): LayerJson[] {
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

export function nameOf(layer: LayerJson): string | undefined {
  const fromConfig = (layer.config as { name?: unknown } | undefined)?.name;
  return typeof fromConfig === 'string' ? fromConfig : layer.name;
}

/** The model config reached by following `indexPath` through nested models. */
export function modelAtPath(
  topology: Record<string, unknown>,
  indexPath: readonly number[],
): LayerJson | undefined {
  let model = rootModel(topology);
  for (const index of indexPath) {
    const next = layersOf(model)[index];
    if (!next || !MODEL_CLASSES.has(next.class_name ?? '')) return undefined;
    model = next;
  }
  return model;
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
    const shape = declaredBatchShape(first);
    if (shape && typeof shape[1] === 'number' && typeof shape[2] === 'number') {
      return [shape[1], shape[2]];
    }
    return undefined;
  }
}

/** The batch input shape a layer config declares (Keras 2 and 3 spellings), if any. */
export function declaredBatchShape(layer: LayerJson): (number | null)[] | undefined {
  const config = (layer.config ?? {}) as Record<string, unknown>;
  const shape = config.batch_input_shape ?? config.batchInputShape ?? config.batch_shape;
  if (Array.isArray(shape)) return shape as (number | null)[];
  const inputShape = config.input_shape ?? config.inputShape;
  if (Array.isArray(inputShape)) return [null, ...(inputShape as (number | null)[])];
  return undefined;
}
