/**
 * The augmentation preview: a few views of one dataset image, drawn exactly as training draws
 * them (same decoder, same augmenter, same seeded view numbers 1, 2, …), as small JPEGs.
 */
import sharp from 'sharp';
import type { Augmentation } from '../../../shared/domain';
import { augmentedViews } from '../../worker/images/augment';
import { decodeToRgb } from '../datasets/decode-image';
import { ServiceError } from '../service-error';

/** Previews are rendered at the usual model input size, so strengths look as in training. */
export const PREVIEW_SIZE = 224;

export async function augmentPreview(
  file: string,
  augmentation: Augmentation,
  options: { count: number; seed: number },
): Promise<{ images: string[] }> {
  let rgb: Uint8Array;
  try {
    rgb = (await decodeToRgb(file, PREVIEW_SIZE)).data;
  } catch (error) {
    throw new ServiceError(
      'invalid-request',
      `This image cannot be decoded for the preview (${(error as Error).message}); pick another.`,
    );
  }
  const views = await augmentedViews(rgb, [PREVIEW_SIZE, PREVIEW_SIZE], {
    augmentation,
    seed: options.seed,
    path: file,
    first: 1,
    count: options.count,
  });
  const images: string[] = [];
  for (const out of views) {
    const jpeg = await sharp(Buffer.from(out.buffer, out.byteOffset, out.byteLength), {
      raw: { width: PREVIEW_SIZE, height: PREVIEW_SIZE, channels: 3 },
    })
      .jpeg({ quality: 85 })
      .toBuffer();
    images.push(`data:image/jpeg;base64,${jpeg.toString('base64')}`);
  }
  return { images };
}
