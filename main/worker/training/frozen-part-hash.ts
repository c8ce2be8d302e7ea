/**
 * The feature cache's identity of a frozen part: a hash of what decides its output — the graph
 * (each layer's class and configuration, which tensors it reads), the boundary tensors it
 * outputs, and the values of every weight in it (BatchNorm statistics included).
 *
 * Layer names are left out on purpose: a finished run's saved model (base cut + head) holds the
 * same frozen layers as the base it was trained from, possibly under other names (a Teachable
 * Machine base nested in a Sequential comes back flat), and "Extend" should find the features
 * the run already computed. Any weight that differs — a layer fine-tuned below the boundary, a
 * different base — changes the hash, so features are never reused for other weights.
 */
import { createHash } from 'node:crypto';
import type * as tf from '@tensorflow/tfjs';
import { graphNodes } from './inference-graph';

/** Config keys that do not change what a layer computes (or are covered elsewhere). */
const IGNORED_CONFIG_KEYS = new Set(['name', 'trainable', 'batchInputShape', 'batch_input_shape']);

/** A stable hex hash of the frozen part's graph, boundary and weight values. */
export async function hashFrozenPart(frozen: tf.LayersModel): Promise<string> {
  const hash = createHash('sha256');
  // Tensors are named by position (inputs first, then each node's outputs in execution order),
  // not by the ids or names TF.js gave them in this process.
  const position = new Map<number, number>();
  const place = (id: number): number => {
    if (!position.has(id)) position.set(id, position.size);
    return position.get(id)!;
  };
  frozen.inputs.forEach((input) => {
    place(input.id);
    hash.update(JSON.stringify({ input: input.shape, dtype: input.dtype }));
  });
  for (const node of graphNodes(frozen)) {
    const config = Object.fromEntries(
      Object.entries(node.layer.getConfig()).filter(([key]) => !IGNORED_CONFIG_KEYS.has(key)),
    );
    hash.update(
      JSON.stringify({
        layer: node.layer.getClassName(),
        config,
        inputs: node.inputs.map((id) => position.get(id) ?? -1),
        outputs: node.outputs.map(place),
        weights: node.layer.weights.map((weight) => weight.shape),
      }),
    );
    for (const weight of node.layer.weights) {
      const values = (await weight.read().data()) as Float32Array | Int32Array | Uint8Array;
      hash.update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    }
  }
  hash.update(JSON.stringify({ boundary: frozen.outputs.map((output) => place(output.id)) }));
  return hash.digest('hex');
}
