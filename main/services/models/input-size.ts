/**
 * Runs a layers model at another input resolution by rewriting the input shapes its topology
 * declares before TF.js builds it. Convolutional bases (every catalog model) are fully
 * convolutional up to their global pooling, so their weights fit any size; a model with a layer
 * that depends on the spatial size (Flatten before Dense, a fixed Reshape of the map) fails to
 * build, and the caller turns that into a message naming the size.
 */

type Json = unknown;

const SHAPE_KEYS = ['batch_input_shape', 'batchInputShape', 'batch_shape'] as const;

function isImageShape(value: Json): value is (number | null)[] {
  return (
    Array.isArray(value) &&
    value.length === 4 &&
    typeof value[1] === 'number' &&
    typeof value[2] === 'number'
  );
}

/** The first 4-D input shape the topology declares (an image input), if any. */
function firstImageShape(node: Json): (number | null)[] | undefined {
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = firstImageShape(item);
      if (found) return found;
    }
    return undefined;
  }
  if (node && typeof node === 'object') {
    const record = node as Record<string, Json>;
    for (const key of SHAPE_KEYS) {
      if (isImageShape(record[key])) return record[key];
    }
    for (const value of Object.values(record)) {
      const found = firstImageShape(value);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * A copy of `topology` whose image input shapes (every declared 4-D input shape of the model's
 * own input size, in nested models too) are [null, height, width, channels]. Returns the
 * topology unchanged when it already has that size or declares no image input.
 */
export function withInputSize<T>(topology: T, size: readonly [number, number]): T {
  const declared = firstImageShape(topology);
  if (!declared || (declared[1] === size[0] && declared[2] === size[1])) return topology;
  const [, fromHeight, fromWidth] = declared;
  const rewrite = (node: Json): Json => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (!node || typeof node !== 'object') return node;
    const out: Record<string, Json> = {};
    for (const [key, value] of Object.entries(node as Record<string, Json>)) {
      out[key] =
        (SHAPE_KEYS as readonly string[]).includes(key) &&
        isImageShape(value) &&
        value[1] === fromHeight &&
        value[2] === fromWidth
          ? [value[0], size[0], size[1], value[3]]
          : rewrite(value);
    }
    return out;
  };
  return rewrite(topology) as T;
}
