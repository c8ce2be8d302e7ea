/**
 * Convolution gradients written as forward operations wasm runs fast (XNNPACK convolutions):
 * a 1x1 convolution's gradients are matrix products, a depthwise input gradient is a depthwise
 * convolution of the output gradient with the flipped filter, and a small regular convolution's
 * filter gradient is a matrix product of unfolded patches with the output gradient.
 */
import * as tf from '@tensorflow/tfjs';

type Info = tf.backend_util.Conv2DInfo;

/**
 * aᵀ·b for a [rows, m] and b [rows, n], written as a 1x1 convolution with the rows as
 * channels: wasm runs convolutions through XNNPACK, several times faster than its matMul here.
 * The narrower operand is the one transposed (a pass over it), then the small result if needed.
 */
function productOverRows(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  if (b.shape[1] < a.shape[1]) return productOverRows(b, a).transpose();
  const [rows, m] = a.shape;
  const n = b.shape[1];
  return tf
    .conv2d(
      a.transpose().reshape([1, 1, m, rows]) as tf.Tensor4D,
      b.reshape([1, 1, rows, n]) as tf.Tensor4D,
      1,
      'valid',
    )
    .reshape([m, n]);
}

/** dW = xᵀ·dy over all pixels, for a 1x1 stride-1 convolution. */
export function pointwiseFilterGradient(x: tf.Tensor, dy: tf.Tensor, info: Info): tf.Tensor {
  const rows = x.size / info.inChannels;
  return productOverRows(
    x.reshape([rows, info.inChannels]),
    dy.reshape([rows, info.outChannels]),
  ).reshape([1, 1, info.inChannels, info.outChannels]);
}

/** dx = dy·Wᵀ, for a 1x1 stride-1 convolution: a 1x1 convolution with the transposed filter. */
export function pointwiseInputGradient(dy: tf.Tensor, w: tf.Tensor, info: Info): tf.Tensor {
  return tf.conv2d(
    dy as tf.Tensor4D,
    w
      .reshape([info.inChannels, info.outChannels])
      .transpose()
      .reshape([1, 1, info.outChannels, info.inChannels]) as tf.Tensor4D,
    1,
    'valid',
  );
}

const explicitPad = (info: Info): tf.backend_util.ExplicitPadding => {
  const { top, bottom, left, right } = info.padInfo;
  return [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ];
};

/** Floats of the unfolded patches of a regular convolution (the patch route's memory). */
export const patchFloats = (info: Info): number =>
  info.batchSize *
  info.outHeight *
  info.outWidth *
  info.inChannels *
  info.filterHeight *
  info.filterWidth;

/**
 * Filter gradient of a regular convolution through its patches: a depthwise convolution with
 * one-hot filters (channel multiplier = taps) unfolds x into [pixels, ci·taps], then one matrix
 * product with dy gives [ci·taps, co], reordered to [kh, kw, ci, co].
 */
export function patchFilterGradient(x: tf.Tensor, dy: tf.Tensor, info: Info): tf.Tensor {
  const { filterHeight, filterWidth, inChannels, outChannels } = info;
  const taps = filterHeight * filterWidth;
  const oneHot = tf
    .eye(taps)
    .reshape([filterHeight, filterWidth, 1, taps])
    .tile([1, 1, inChannels, 1]) as tf.Tensor4D;
  const patches = tf.depthwiseConv2d(
    x as tf.Tensor4D,
    oneHot,
    [info.strideHeight, info.strideWidth],
    explicitPad(info),
  );
  const rows = patches.size / (inChannels * taps);
  return productOverRows(
    patches.reshape([rows, inChannels * taps]),
    dy.reshape([rows, outChannels]),
  )
    .reshape([inChannels, filterHeight, filterWidth, outChannels])
    .transpose([1, 2, 0, 3]);
}

/**
 * Whether the depthwise input gradient can be a forward convolution here: the flipped filter
 * needs each side's padding to be at most the filter's size − 1.
 */
export function fitsDepthwiseInputGradient(info: Info): boolean {
  const { top, bottom, left, right } = info.padInfo;
  return (
    Math.max(top, bottom) <= info.filterHeight - 1 && Math.max(left, right) <= info.filterWidth - 1
  );
}

/**
 * dx of a depthwise convolution: dy with zeros between its pixels (stride > 1), padded by
 * filter size − 1 − padding, convolved ('valid', stride 1) with the filter flipped in both
 * spatial axes; with a channel multiplier M the M products of each input channel are summed.
 */
export function depthwiseInputGradient(dy: tf.Tensor, filter: tf.Tensor, info: Info): tf.Tensor {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const { top, left } = info.padInfo;
  let spread = dy;
  if (strideWidth > 1) {
    // Zeros after each pixel of a row: each pixel as a 1-wide row of its own, padded to s.
    spread = spread.reshape([batchSize * outHeight, outWidth, 1, outChannels]).pad([
      [0, 0],
      [0, 0],
      [0, strideWidth - 1],
      [0, 0],
    ]);
  }
  if (strideHeight > 1) {
    // Zero rows after each row, the same way with whole rows.
    spread = spread.reshape([batchSize, outHeight, 1, outWidth * strideWidth * outChannels]).pad([
      [0, 0],
      [0, 0],
      [0, strideHeight - 1],
      [0, 0],
    ]);
  }
  spread = spread.reshape([
    batchSize,
    outHeight * strideHeight,
    outWidth * strideWidth,
    outChannels,
  ]);
  const padTop = filterHeight - 1 - top;
  const padLeft = filterWidth - 1 - left;
  // What is left below and right for the output to be inHeight × inWidth (can be < 0 when the
  // spread has more trailing zeros than needed: then the output is cut).
  const padBottom = inHeight + top - outHeight * strideHeight;
  const padRight = inWidth + left - outWidth * strideWidth;
  const padded = spread.pad([
    [0, 0],
    [padTop, Math.max(0, padBottom)],
    [padLeft, Math.max(0, padRight)],
    [0, 0],
  ]) as tf.Tensor4D;
  const flipped = filter
    .reverse([0, 1])
    .reshape([filterHeight, filterWidth, outChannels, 1]) as tf.Tensor4D;
  let dx: tf.Tensor = tf.depthwiseConv2d(padded, flipped, 1, 'valid');
  if (padBottom < 0 || padRight < 0) {
    dx = dx.slice([0, 0, 0, 0], [batchSize, inHeight, inWidth, outChannels]);
  }
  const multiplier = outChannels / inChannels;
  return multiplier === 1
    ? dx
    : dx.reshape([batchSize, inHeight, inWidth, inChannels, multiplier]).sum(4);
}
