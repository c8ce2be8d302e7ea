/**
 * The host copy of a tensor's values, for tensors made from a Float32Array the caller still
 * holds (cached feature rows). A step that computes on the host (host-dense-head.ts) reads them
 * here instead of reading the tensor back from the backend; tensors are immutable, so the copy
 * stays true for the tensor's life.
 */
import type * as tf from '@tensorflow/tfjs';

const copies = new WeakMap<tf.Tensor, Float32Array>();

export function rememberHostValues(tensor: tf.Tensor, values: Float32Array): void {
  if (values.length === tensor.size) copies.set(tensor, values);
}

/** The tensor's float32 values: the remembered copy, else read back from the backend. */
export function hostValues(tensor: tf.Tensor): Float32Array {
  const copy = copies.get(tensor);
  if (copy) return copy;
  const values = tensor.dataSync();
  return values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>);
}
