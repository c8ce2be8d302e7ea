/**
 * Where the benchmark finds its inputs: the shared fixtures beside the repository (or
 * TRANSFER_STUDIO_FIXTURES), and the two base models it measures.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { ImageItem } from '../main/worker/images/image-batches';

export const BATCH = 32;
export const IMAGE_SIZE: readonly [number, number] = [224, 224];
/** MobileNet inputs: RGB scaled from [0, 255] to [-1, 1]. */
export const PREPROCESSING = { scale: 1 / 127.5, offset: -1 };

export interface BenchModel {
  key: 'v1' | 'v2';
  name: string;
  dir: string;
  nestedBase: number[];
  featureLayer: string;
}

export function fixturesDir(root: string): string {
  return process.env.TRANSFER_STUDIO_FIXTURES ?? path.resolve(root, '../shared/fixtures');
}

export function benchModels(root: string): BenchModel[] {
  const models = path.join(fixturesDir(root), 'models');
  return [
    {
      key: 'v1',
      name: 'MobileNet v1 0.25',
      dir: path.join(models, 'mobilenet_v1_0.25_224'),
      nestedBase: [],
      featureLayer: 'conv_pw_13_relu',
    },
    {
      key: 'v2',
      name: 'MobileNetV2 0.35 (TM base)',
      dir: path.join(models, 'teachable_machine_mobilenet_v2_0.35'),
      nestedBase: [0, 0],
      featureLayer: 'out_relu',
    },
  ];
}

export function hymenopteraDir(root: string): string {
  return path.join(fixturesDir(root), 'datasets/hymenoptera_data');
}

/** The JPEGs of one split of hymenoptera, sorted, labelled ants 0 and bees 1. */
export function hymenopteraItems(root: string, split: 'train' | 'val'): ImageItem[] {
  const dir = path.join(hymenopteraDir(root), split);
  return ['ants', 'bees'].flatMap((className, label) =>
    readdirSync(path.join(dir, className))
      .filter((name) => /\.jpe?g$/i.test(name))
      .sort()
      .map((name) => ({ path: path.join(dir, className, name), label })),
  );
}
