import sharp from 'sharp';

/** Pixel scaling applied after decoding: value = pixel * scale + offset. */
export interface Preprocessing {
  scale: number;
  offset: number;
}

/**
 * Decodes an image file into `height` x `width` RGB floats, written into `target` at `offset`.
 * EXIF orientation is applied, alpha dropped, colour converted to sRGB, and the image scaled to
 * cover the size and centre-cropped (the same framing at training and prediction time).
 */
export async function decodeImageInto(
  /** A file path, or the encoded bytes themselves (uploaded "try it" images). */
  file: string | Buffer,
  size: readonly [number, number],
  preprocessing: Preprocessing,
  target: Float32Array,
  offset: number,
): Promise<void> {
  const [height, width] = size;
  const { data, info } = await sharp(file, { failOn: 'error', pages: 1 })
    .rotate()
    .removeAlpha()
    .toColourspace('srgb')
    .resize(width, height, { fit: 'cover', position: 'centre' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3 || info.width !== width || info.height !== height) {
    throw new Error(
      `decoded to ${info.width}x${info.height} with ${info.channels} channels, expected ${width}x${height} RGB`,
    );
  }
  const { scale, offset: shift } = preprocessing;
  for (let i = 0; i < data.length; i += 1) target[offset + i] = data[i]! * scale + shift;
}
