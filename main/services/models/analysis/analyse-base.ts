/**
 * The analysis the Model screen, the CLI and the freeze-plan check read: every layer of a base up
 * to its feature layer (shape, parameters, MACs, BatchNorm flag), the blocks, and the totals,
 * computed from model.json alone.
 */
import type { LayerInfo, ModelBlock } from '../../../../shared/domain';
import { MODEL_CLASSES, layersOf, modelAtPath, rootModel } from '../topology';
import { analyseGraph, cutAnalysis, type AnalysedLayer } from './analyse-graph';
import { groupBlocks } from './blocks';
import { buildLayerGraph, UnsupportedTopologyError } from './layer-graph';
import type { Shape } from './layer-math';

export interface BaseAnalysis {
  layers: LayerInfo[];
  blocks: ModelBlock[];
  totalParams: number;
  totalMacs: number;
  featureShape: Shape;
  /** Layers of the whole base that can serve as a feature layer, in graph order. */
  featureCandidates: string[];
}

/** A layer whose output a head can pool: a spatial map larger than 1x1, or a pooled vector. */
export function isFeatureCandidate(
  layer: Pick<AnalysedLayer, 'className' | 'outputShape'>,
): boolean {
  const shape = layer.outputShape;
  if (layer.className === 'InputLayer') return false;
  if (shape.length === 4) return (shape[1] ?? 0) > 1 || (shape[2] ?? 0) > 1;
  return shape.length === 2 && /^Global(Average|Max)Pool/.test(layer.className);
}

/** Turns analysed layers (from the topology or from TF.js) into the contract's analysis. */
export function summariseLayers(
  all: readonly AnalysedLayer[],
  cut: readonly AnalysedLayer[],
): BaseAnalysis {
  const blocks = groupBlocks(cut);
  const blockOf = new Map(blocks.flatMap((block) => block.layers.map((name) => [name, block.id])));
  const layers: LayerInfo[] = cut.map((layer, index) => ({
    index,
    name: layer.name,
    className: layer.className,
    outputShape: [...layer.outputShape],
    params: layer.params,
    trainableParams: layer.trainableParams,
    isBatchNorm: layer.isBatchNorm,
    hasWeights: layer.hasWeights,
    macs: layer.macs,
    blockId: blockOf.get(layer.name)!,
  }));
  return {
    layers,
    blocks,
    totalParams: layers.reduce((sum, layer) => sum + layer.params, 0),
    totalMacs: layers.reduce((sum, layer) => sum + layer.macs, 0),
    featureShape: [...(cut[cut.length - 1]?.outputShape ?? [])],
    featureCandidates: all.filter(isFeatureCandidate).map((layer) => layer.name),
  };
}

/**
 * Analyses the base at `nestedBase` in a model.json topology, cut at `featureLayer`. Throws
 * UnsupportedTopologyError for graphs the pure analysis cannot follow (the caller then asks
 * TF.js for the shapes).
 */
export function analyseBase(
  topology: Record<string, unknown>,
  nestedBase: readonly number[],
  featureLayer: string,
): BaseAnalysis {
  const model = modelAtPath(topology, nestedBase);
  if (!model) {
    throw new UnsupportedTopologyError(`No nested model at layer path [${nestedBase.join(', ')}].`);
  }
  const graph = buildLayerGraph(model);
  const analysis = analyseGraph(graph);
  return summariseLayers(analysis.layers, cutAnalysis(graph, analysis, featureLayer));
}

/**
 * Proposes a feature layer from the topology: follow first layers that are models (nested
 * exports such as Teachable Machine's), then take the last layer whose output is still a spatial
 * map larger than 1x1 (the end of the convolutional base, before pooling and the classifier).
 */
export function proposeFeatureLayerInTopology(
  topology: Record<string, unknown>,
): { nestedBase: number[]; featureLayer: string } | undefined {
  const nestedBase: number[] = [];
  let model = rootModel(topology);
  for (;;) {
    const first = layersOf(model)[0];
    if (!first || !MODEL_CLASSES.has(first.class_name ?? '')) break;
    nestedBase.push(0);
    model = first;
  }
  const { layers } = analyseGraph(buildLayerGraph(model));
  for (let index = layers.length - 1; index >= 0; index -= 1) {
    const layer = layers[index]!;
    if (layer.outputShape.length === 4 && isFeatureCandidate(layer)) {
      return { nestedBase, featureLayer: layer.name };
    }
  }
  return undefined;
}
