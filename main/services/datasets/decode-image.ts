/**
 * The one way images become model input, shared by the training worker and anything else
 * that feeds a model: EXIF orientation applied, CMYK/grey/palette/16-bit converted to 8-bit
 * sRGB, transparency flattened onto white, then resized to a square. Pure sharp, no TF.js.
 */
import { stat } from 'node:fs/promises';
import sharp from 'sharp';

export interface DecodedImage {
  /** height*width*3 bytes, row-major RGB. */
  data: Buffer;
  width: number;
  height: number;
  channels: 3;
}

export interface DecodeOptions {
  /** 'cover' (default) centre-crops to a square; 'fill' stretches; 'contain' letterboxes. */
  fit?: 'cover' | 'fill' | 'contain';
  /** Refuse images above this many pixels instead of decoding them (default 100 MP). */
  maxPixels?: number;
}

/**
 * Decodes an image file (or its bytes) to `size`x`size` 8-bit RGB (or [height, width]).
 * Rejects files the doctor also rejects (truncated, corrupt, over the pixel limit), with
 * sharp's message.
 */
export async function decodeToRgb(
  input: string | Buffer,
  size: number | readonly [number, number],
  options: DecodeOptions = {},
): Promise<DecodedImage> {
  const [height, width] = typeof size === 'number' ? [size, size] : size;
  // Opening a pipe blocks until someone writes to it (a predict on a FIFO hung for minutes):
  // only regular files are handed to the decoder; stat never opens the file.
  if (typeof input === 'string' && !(await stat(input)).isFile()) {
    throw new Error(
      `${input} is not a regular image file (a folder, pipe, socket or device); it was not opened.`,
    );
  }
  const { data, info } = await sharp(input, {
    failOn: 'truncated',
    limitInputPixels: options.maxPixels ?? 100_000_000,
  })
    // rotate() with no angle applies and strips the EXIF orientation.
    .rotate()
    .resize(width, height, { fit: options.fit ?? 'cover', background: '#ffffff' })
    // Transparent pixels often hide black or garbage RGB; white is what people saw.
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb')
    .removeAlpha()
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3 || info.width !== width || info.height !== height) {
    throw new Error(
      `decodeToRgb: expected ${width}x${height}x3, got ${info.width}x${info.height}x${info.channels}`,
    );
  }
  return { data, width: info.width, height: info.height, channels: 3 };
}
