/**
 * Fallback for models the pure topology analysis cannot follow (custom or shared layers): TF.js
 * builds the model and reports shapes and parameter counts; MACs still come from layer-math.
 */
import type * as tf from '@tensorflow/tfjs';
import { singleOutputShape } from '../load-layers-model';
import type { AnalysedLayer } from './analyse-graph';
import { macsFromShapes, type Shape } from './layer-math';

function inputShapes(layer: tf.layers.Layer): Shape[] {
  const shapes = layer.inboundNodes[0]?.inputShapes as Shape | Shape[] | undefined;
  if (!shapes) return [];
  if (shapes.length > 0 && Array.isArray(shapes[0])) return shapes as Shape[];
  return [shapes as Shape];
}

function countWeights(weights: { shape: readonly (number | null)[] }[]): number {
  return weights.reduce((sum, w) => sum + w.shape.reduce<number>((p, d) => p * (d ?? 1), 1), 0);
}

/** Analysed layers of a TF.js model, as the topology analysis would give them. */
export function analyseTfjsLayers(layers: readonly tf.layers.Layer[]): AnalysedLayer[] {
  return layers.map((layer) => {
    const wasTrainable = layer.trainable;
    // Count what unfreezing the layer would train, whatever flag the file stored.
    layer.trainable = true;
    const trainableParams = countWeights(layer.trainableWeights);
    layer.trainable = wasTrainable;
    const className = layer.getClassName();
    const config = layer.getConfig() as Record<string, unknown>;
    const inbound = (layer.inboundNodes[0]?.inboundLayers ?? []).map((source) => source.name);
    const params = layer.countParams();
    return {
      name: layer.name,
      className,
      inbound,
      outputShape: singleOutputShape(layer) ?? [],
      params,
      trainableParams,
      macs: macsFromShapes(className, config, inputShapes(layer), layer.name),
      isBatchNorm: className === 'BatchNormalization',
      hasWeights: layer.weights.length > 0,
    };
  });
}
