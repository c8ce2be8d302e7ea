/**
 * Full-integer (int8) quantization parameters, as TensorFlow Lite's converter chooses them:
 * activations asymmetric per tensor from the range seen on representative images, convolution
 * weights symmetric per output channel, dense weights symmetric per tensor, biases int32 at
 * input scale x weight scale, softmax/logistic outputs at 1/256 (zero point -128).
 */
import type { TfliteQuantization } from './tflite-schema';

export type ValueRange = [number, number];

/** Asymmetric int8 parameters covering [min, max] (always including 0, as TFLite requires). */
export function activationQuantization([low, high]: ValueRange): TfliteQuantization {
  const min = Math.min(low, 0);
  const max = Math.max(high, 0);
  const scale = max > min ? (max - min) / 255 : 1e-8;
  const zeroPoint = Math.max(-128, Math.min(127, Math.round(-128 - min / scale)));
  return { scale: [scale], zeroPoint: [zeroPoint] };
}

/** Fixed output parameters of softmax and logistic: [0, 1) in steps of 1/256. */
export const PROBABILITY_QUANTIZATION: TfliteQuantization = { scale: [1 / 256], zeroPoint: [-128] };
/** Fixed output parameters of tanh: [-1, 1) in steps of 1/128. */
export const TANH_QUANTIZATION: TfliteQuantization = { scale: [1 / 128], zeroPoint: [0] };

/**
 * Symmetric int8 weights. `channels` groups run along `axis` of `shape` (one scale each);
 * channels = 1 quantizes the whole tensor with one scale.
 */
export function quantizeWeights(
  values: Float32Array,
  shape: number[],
  axis: number,
  perChannel: boolean,
): { data: Uint8Array; quantization: TfliteQuantization } {
  const channels = perChannel ? shape[axis]! : 1;
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const channelOf = (index: number): number =>
    perChannel ? Math.floor(index / inner) % channels : 0;
  const maxAbs = new Float64Array(channels);
  values.forEach((value, index) => {
    const channel = channelOf(index);
    maxAbs[channel] = Math.max(maxAbs[channel]!, Math.abs(value));
  });
  const scale = Array.from(maxAbs, (m) => (m > 0 ? m / 127 : 1e-8));
  const data = new Int8Array(values.length);
  values.forEach((value, index) => {
    const q = Math.round(value / scale[channelOf(index)]!);
    data[index] = Math.max(-127, Math.min(127, q));
  });
  return {
    data: new Uint8Array(data.buffer),
    quantization: {
      scale,
      zeroPoint: scale.map(() => 0),
      ...(perChannel ? { quantizedDimension: axis } : {}),
    },
  };
}

/** int32 bias at scale inputScale * weightScale[channel] (zero point 0). */
export function quantizeBias(
  bias: Float32Array,
  inputScale: number,
  weightScales: number[],
): { data: Uint8Array; quantization: TfliteQuantization } {
  const scales = Array.from(
    bias,
    (_, c) => inputScale * weightScales[weightScales.length > 1 ? c : 0]!,
  );
  const data = Int32Array.from(bias, (value, c) => Math.round(value / scales[c]!));
  return {
    data: new Uint8Array(data.buffer),
    quantization: {
      scale: scales,
      zeroPoint: scales.map(() => 0),
      ...(weightScales.length > 1 ? { quantizedDimension: 0 } : {}),
    },
  };
}
