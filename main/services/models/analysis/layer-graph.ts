/**
 * The layer graph of a Keras/TF.js layers model, read from its model.json topology: each layer
 * with the names of the layers that feed it, nested models kept as sub-graphs. Pure data, no
 * TF.js, so the analysis runs anywhere (main process, CLI) without loading weights.
 */
import { MODEL_CLASSES, declaredBatchShape, layersOf, nameOf, type LayerJson } from '../topology';

export interface GraphNode {
  name: string;
  className: string;
  config: Record<string, unknown>;
  /** Names of the layers whose outputs this layer takes, in argument order. */
  inbound: string[];
  /** A nested model (Sequential or functional) used as one layer. */
  nested?: LayerGraph;
}

export interface LayerGraph {
  name: string;
  /** Layers in the order the topology lists them (a topological order for Keras exports). */
  nodes: GraphNode[];
  inputs: string[];
  outputs: string[];
}

/** A topology the pure analysis cannot follow (shared layers, unknown wiring, unknown layers). */
export class UnsupportedTopologyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedTopologyError';
  }
}

/** Builds the graph of a model config (the root model or a nested one). */
export function buildLayerGraph(model: LayerJson): LayerGraph {
  const name = nameOf(model) ?? 'model';
  if (model.class_name === 'Sequential') return sequentialGraph(name, layersOf(model));
  if (MODEL_CLASSES.has(model.class_name ?? '')) return functionalGraph(name, model);
  throw new UnsupportedTopologyError(
    `"${name}" is a ${model.class_name ?? 'unknown'}, not a model.`,
  );
}

function toNode(layer: LayerJson, inbound: string[]): GraphNode {
  const className = layer.class_name ?? 'Unknown';
  const name = nameOf(layer);
  if (!name) throw new UnsupportedTopologyError(`A ${className} layer has no name.`);
  const node: GraphNode = {
    name,
    className,
    config: (layer.config && typeof layer.config === 'object' && !Array.isArray(layer.config)
      ? layer.config
      : {}) as Record<string, unknown>,
    inbound,
  };
  if (MODEL_CLASSES.has(className)) node.nested = buildLayerGraph(layer);
  return node;
}

function sequentialGraph(name: string, layers: LayerJson[]): LayerGraph {
  const nodes: GraphNode[] = [];
  const first = layers[0];
  if (!first) throw new UnsupportedTopologyError(`The Sequential model "${name}" has no layers.`);
  // Keras keeps a Sequential's input implicit in its first layer's batch_input_shape.
  const declared = first.class_name === 'InputLayer' ? undefined : declaredBatchShape(first);
  if (declared) {
    nodes.push({
      name: `${name}_input`,
      className: 'InputLayer',
      config: { batch_input_shape: declared, name: `${name}_input` },
      inbound: [],
    });
  }
  for (const layer of layers) {
    const previous = nodes[nodes.length - 1];
    nodes.push(toNode(layer, previous ? [previous.name] : []));
  }
  const last = nodes[nodes.length - 1]!;
  return { name, nodes, inputs: [nodes[0]!.name], outputs: [last.name] };
}

function functionalGraph(name: string, model: LayerJson): LayerGraph {
  const config = (model.config ?? {}) as Record<string, unknown>;
  const nodes = layersOf(model).map((layer) => toNode(layer, inboundNames(layer)));
  const endpoints = (value: unknown): string[] =>
    Array.isArray(value)
      ? value.flatMap((entry) =>
          Array.isArray(entry) && typeof entry[0] === 'string' ? [entry[0]] : [],
        )
      : [];
  const inputs = endpoints(config.input_layers);
  const outputs = endpoints(config.output_layers);
  if (inputs.length === 0 || outputs.length === 0) {
    throw new UnsupportedTopologyError(`The model "${name}" does not list its inputs and outputs.`);
  }
  return { name, nodes, inputs, outputs };
}

/** Names of a functional layer's inputs: Keras 2 `[[[name, node, tensor, kwargs]]]` or Keras 3. */
function inboundNames(layer: LayerJson): string[] {
  const nodes = layer.inbound_nodes;
  if (!Array.isArray(nodes) || nodes.length === 0) return [];
  if (nodes.length > 1) {
    throw new UnsupportedTopologyError(
      `Layer "${nameOf(layer)}" is called ${nodes.length} times (a shared layer).`,
    );
  }
  const node = nodes[0];
  if (Array.isArray(node)) {
    return node.map((entry: unknown) => {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string') {
        throw new UnsupportedTopologyError(`Layer "${nameOf(layer)}" has an unreadable input.`);
      }
      if (entry[1] !== 0 && entry[1] !== undefined) {
        throw new UnsupportedTopologyError(
          `Layer "${nameOf(layer)}" reads a second call of "${entry[0]}" (a shared layer).`,
        );
      }
      return entry[0];
    });
  }
  // Keras 3: { args: [...], kwargs: {...} } with keras_history triples inside.
  const names: string[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      const history = (value as { config?: { keras_history?: unknown } }).config?.keras_history;
      if (Array.isArray(history) && typeof history[0] === 'string') names.push(history[0]);
      else Object.values(value).forEach(walk);
    }
  };
  walk(node);
  return names;
}

/**
 * The layers needed to compute `layerName` from the graph's inputs, in graph order: what a model
 * cut at that layer contains.
 */
export function ancestorsOf(graph: LayerGraph, layerName: string): GraphNode[] {
  const byName = new Map(graph.nodes.map((node) => [node.name, node]));
  if (!byName.has(layerName)) {
    throw new UnsupportedTopologyError(`The model "${graph.name}" has no layer "${layerName}".`);
  }
  const needed = new Set<string>();
  const stack = [layerName];
  while (stack.length) {
    const name = stack.pop()!;
    if (needed.has(name)) continue;
    needed.add(name);
    const node = byName.get(name);
    if (!node) throw new UnsupportedTopologyError(`A layer reads "${name}", which does not exist.`);
    stack.push(...node.inbound);
  }
  return graph.nodes.filter((node) => needed.has(node.name));
}
