/**
 * Walks a layer graph from its inputs, giving every layer its output shape, parameter counts and
 * multiply-accumulates per image. Nested models count as one layer holding the sums of theirs.
 */
import { declaredBatchShape } from '../topology';
import { ancestorsOf, UnsupportedTopologyError, type LayerGraph } from './layer-graph';
import { layerMath, type LayerMath, type Shape } from './layer-math';

export interface AnalysedLayer extends LayerMath {
  name: string;
  className: string;
  /** Names of the layers feeding this one. */
  inbound: string[];
  isBatchNorm: boolean;
  hasWeights: boolean;
}

export interface GraphAnalysis {
  layers: AnalysedLayer[];
  outputShapes: Shape[];
}

/** Analyses every layer of `graph`; `inputShapes` replaces the declared inputs of a nested model. */
export function analyseGraph(graph: LayerGraph, inputShapes?: Shape[]): GraphAnalysis {
  const shapes = new Map<string, Shape>();
  const layers: AnalysedLayer[] = [];
  for (const node of graph.nodes) {
    let math: LayerMath;
    const inputs = node.inbound.map((name) => {
      const shape = shapes.get(name);
      if (!shape) {
        throw new UnsupportedTopologyError(
          `Layer "${node.name}" reads "${name}" before it exists.`,
        );
      }
      return shape;
    });
    if (node.className === 'InputLayer') {
      const given = inputShapes?.[graph.inputs.indexOf(node.name)];
      const declared = given ?? declaredBatchShape({ config: node.config });
      if (!declared) throw new UnsupportedTopologyError(`Input "${node.name}" declares no shape.`);
      math = { outputShape: [...declared], params: 0, trainableParams: 0, macs: 0 };
    } else if (node.nested) {
      const inner = analyseGraph(node.nested, inputs.length ? inputs : undefined);
      if (inner.outputShapes.length !== 1) {
        throw new UnsupportedTopologyError(`The nested model "${node.name}" has several outputs.`);
      }
      math = {
        outputShape: inner.outputShapes[0]!,
        params: sum(inner.layers, 'params'),
        trainableParams: sum(inner.layers, 'trainableParams'),
        macs: sum(inner.layers, 'macs'),
      };
    } else {
      math = layerMath(node.className, node.config, inputs, node.name);
    }
    shapes.set(node.name, math.outputShape);
    layers.push({
      ...math,
      name: node.name,
      className: node.className,
      inbound: [...node.inbound],
      isBatchNorm: node.className === 'BatchNormalization',
      hasWeights: math.params > 0,
    });
  }
  const outputShapes = graph.outputs.map((name) => {
    const shape = shapes.get(name);
    if (!shape)
      throw new UnsupportedTopologyError(`Output "${name}" of "${graph.name}" is missing.`);
    return shape;
  });
  return { layers, outputShapes };
}

function sum(layers: AnalysedLayer[], key: 'params' | 'trainableParams' | 'macs'): number {
  return layers.reduce((total, layer) => total + layer[key], 0);
}

/** The analysed layers a model cut at `featureLayer` contains, in graph order. */
export function cutAnalysis(
  graph: LayerGraph,
  analysis: GraphAnalysis,
  featureLayer: string,
): AnalysedLayer[] {
  const keep = new Set(ancestorsOf(graph, featureLayer).map((node) => node.name));
  return analysis.layers.filter((layer) => keep.has(layer.name));
}
