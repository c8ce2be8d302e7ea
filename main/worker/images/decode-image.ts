/**
 * Model input from image files. Decoding itself is the dataset doctor's decodeToRgb (one way
 * images become pixels, shared with the scan): EXIF orientation applied, transparency on
 * white, sRGB, scaled to cover the size and centre-cropped. Here the bytes become floats.
 */
import { decodeToRgb } from '../../services/datasets/decode-image';

/** Pixel scaling applied after decoding: value = pixel * scale + offset. */
export interface Preprocessing {
  scale: number;
  offset: number;
}

/** Decodes a file to [height, width, 3] bytes (row-major RGB). */
export async function decodeRgb(
  file: string,
  size: readonly [number, number],
): Promise<Uint8Array> {
  return (await decodeToRgb(file, size)).data;
}

/** Writes `rgb` bytes into `target` at `offset` as model input (pixel * scale + offset). */
export function writeModelInput(
  rgb: Uint8Array,
  preprocessing: Preprocessing,
  target: Float32Array,
  offset: number,
): void {
  const { scale, offset: shift } = preprocessing;
  for (let i = 0; i < rgb.length; i += 1) target[offset + i] = rgb[i]! * scale + shift;
}

/** Decodes an image file into `height` x `width` RGB floats, written into `target` at `offset`. */
export async function decodeImageInto(
  file: string,
  size: readonly [number, number],
  preprocessing: Preprocessing,
  target: Float32Array,
  offset: number,
): Promise<void> {
  writeModelInput(await decodeRgb(file, size), preprocessing, target, offset);
}
