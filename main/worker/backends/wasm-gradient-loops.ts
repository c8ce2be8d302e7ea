/**
 * Filter gradients as plain loops over the wasm heap, for what no wasm op computes well: a
 * depthwise filter gradient is a per-channel sum over every pixel of shifted products, which as
 * ops would be a strided slice, a product and a reduction per filter tap (each a pass over
 * memory, several times the loops' time on wasm).
 */
import type * as tf from '@tensorflow/tfjs';

/** First and one-past-last output column whose input column (ow·s + k − pad) is inside. */
function validRange(k: number, pad: number, stride: number, inSize: number, outSize: number) {
  const start = Math.max(0, Math.ceil((pad - k) / stride));
  const end = Math.min(outSize, Math.floor((inSize - 1 + pad - k) / stride) + 1);
  return [start, end] as const;
}

/**
 * dW[kh,kw,c,m] = Σ x[b, oh·s+kh−pad, ow·s+kw−pad, c] · dy[b,oh,ow,c·M+m]. The innermost loop
 * runs along an output row with the sum in a local (double) accumulator.
 */
export function depthwiseFilterGradientLoops(
  dW: Float32Array,
  x: Float32Array,
  dy: Float32Array,
  info: tf.backend_util.Conv2DInfo,
): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const { top, left } = info.padInfo;
  const multiplier = outChannels / inChannels;
  const sums = new Float64Array(dW.length);
  const columns = Array.from({ length: filterWidth }, (_, kw) =>
    validRange(kw, left, strideWidth, inWidth, outWidth),
  );
  const xStep = strideWidth * inChannels;
  for (let b = 0; b < batchSize; b += 1) {
    for (let oh = 0; oh < outHeight; oh += 1) {
      const dyRow = (b * outHeight + oh) * outWidth * outChannels;
      for (let kh = 0; kh < filterHeight; kh += 1) {
        const ih = oh * strideHeight + kh - top;
        if (ih < 0 || ih >= inHeight) continue;
        const xRow = (b * inHeight + ih) * inWidth * inChannels;
        for (let kw = 0; kw < filterWidth; kw += 1) {
          const [start, end] = columns[kw]!;
          if (end <= start) continue;
          const tap = (kh * filterWidth + kw) * outChannels;
          const xStart = xRow + (start * strideWidth + kw - left) * inChannels;
          const dyStart = dyRow + start * outChannels;
          for (let o = 0; o < outChannels; o += 1) {
            let xi = xStart + Math.floor(o / multiplier);
            let di = dyStart + o;
            let acc = 0;
            for (let ow = start; ow < end; ow += 1) {
              acc += x[xi]! * dy[di]!;
              xi += xStep;
              di += outChannels;
            }
            sums[tap + o]! += acc;
          }
        }
      }
    }
  }
  dW.set(sums);
}

/**
 * dW[kh,kw,ci,co] = Σ x[b, oh·s+kh−pad, ow·s+kw−pad, ci] · dy[b,oh,ow,co]: the fallback for a
 * regular convolution too large to unfold into patches.
 */
export function conv2dFilterGradientLoops(
  dW: Float32Array,
  x: Float32Array,
  dy: Float32Array,
  info: tf.backend_util.Conv2DInfo,
): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const { top, left } = info.padInfo;
  const sums = new Float64Array(dW.length);
  for (let b = 0; b < batchSize; b += 1) {
    for (let oh = 0; oh < outHeight; oh += 1) {
      for (let ow = 0; ow < outWidth; ow += 1) {
        const dyOffset = ((b * outHeight + oh) * outWidth + ow) * outChannels;
        for (let kh = 0; kh < filterHeight; kh += 1) {
          const ih = oh * strideHeight + kh - top;
          if (ih < 0 || ih >= inHeight) continue;
          for (let kw = 0; kw < filterWidth; kw += 1) {
            const iw = ow * strideWidth + kw - left;
            if (iw < 0 || iw >= inWidth) continue;
            const xOffset = ((b * inHeight + ih) * inWidth + iw) * inChannels;
            const wOffset = (kh * filterWidth + kw) * inChannels * outChannels;
            for (let ci = 0; ci < inChannels; ci += 1) {
              const value = x[xOffset + ci]!;
              if (value === 0) continue;
              const row = wOffset + ci * outChannels;
              for (let co = 0; co < outChannels; co += 1) {
                sums[row + co]! += value * dy[dyOffset + co]!;
              }
            }
          }
        }
      }
    }
  }
  dW.set(sums);
}
