/**
 * Test helpers for the exporters: the shared fixture models and the hymenoptera validation split,
 * decoded for real with sharp the way the studio feeds MobileNets (224x224 cover, x / 127.5 - 1).
 * Used only by tests.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

const fixturesRoot = path.resolve(
  process.env.TRANSFER_STUDIO_FIXTURES ?? path.join(__dirname, '../../../../../shared/fixtures'),
);
export const mobilenetV1Dir = path.join(fixturesRoot, 'models/mobilenet_v1_0.25_224');
export const teachableMachineDir = path.join(
  fixturesRoot,
  'models/teachable_machine_mobilenet_v2_0.35',
);
export const hymenopteraVal = path.join(fixturesRoot, 'datasets/hymenoptera_data/val');

export const MOBILENET_PREPROCESSING = { scale: 1 / 127.5, offset: -1 } as const;

export interface LabelledImage {
  file: string;
  label: number;
}

/** Every image of the validation split, ants = 0 and bees = 1, in a stable order. */
export async function validationImages(): Promise<LabelledImage[]> {
  const images: LabelledImage[] = [];
  for (const [label, className] of ['ants', 'bees'].entries()) {
    const dir = path.join(hymenopteraVal, className);
    for (const name of (await fs.readdir(dir)).sort())
      images.push({ file: path.join(dir, name), label });
  }
  return images;
}

/** One image as preprocessed float32 NHWC pixels (without the batch dimension). */
export async function decodeImage(file: string, size = 224): Promise<Float32Array> {
  const { data, info } = await sharp(file)
    .rotate()
    .resize(size, size, { fit: 'cover' })
    .toColourspace('srgb')
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`${file} decoded to ${info.channels} channels`);
  const pixels = new Float32Array(data.length);
  for (let i = 0; i < data.length; i += 1) {
    pixels[i] = data[i]! * MOBILENET_PREPROCESSING.scale + MOBILENET_PREPROCESSING.offset;
  }
  return pixels;
}

export interface ImageBatch {
  images: Float32Array;
  count: number;
  labels: number[];
}

/** Decodes `images` in batches of `batchSize`. */
export async function* imageBatches(
  images: LabelledImage[],
  batchSize: number,
): AsyncGenerator<ImageBatch> {
  for (let start = 0; start < images.length; start += batchSize) {
    const slice = images.slice(start, start + batchSize);
    const decoded = await Promise.all(slice.map((image) => decodeImage(image.file)));
    const pixels = new Float32Array(decoded.reduce((sum, d) => sum + d.length, 0));
    let offset = 0;
    for (const d of decoded) {
      pixels.set(d, offset);
      offset += d.length;
    }
    yield { images: pixels, count: slice.length, labels: slice.map((image) => image.label) };
  }
}
