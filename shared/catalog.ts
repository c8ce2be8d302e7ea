/**
 * Base models a user can choose, with the canonical URLs they are published at. A model is used
 * from a local models folder (TRANSFER_STUDIO_MODELS or the setting, looked up by
 * `localDirNames`) or downloaded on demand into the studio's own models folder.
 *
 * Checksums: Google publishes none for these URLs. Where the studio knows the digests of a
 * verified copy, the entry carries them and a download must match; otherwise the first download
 * records its digests in download.json beside the model as the reference for that copy.
 */
import type { CatalogEntry } from './domain';

/** MobileNet inputs: RGB scaled from [0, 255] to [-1, 1]. */
const MINUS_ONE_TO_ONE = { scale: 1 / 127.5, offset: -1 } as const;

function mobilenetV1(
  alpha: '0.25' | '0.50' | '0.75' | '1.0',
  sizeBytes: number,
  sha256?: CatalogEntry['sha256'],
): CatalogEntry {
  return {
    ...(sha256 ? { sha256 } : {}),
    id: `mobilenet_v1_${alpha}_224`,
    name: `MobileNet v1 ${alpha} (224)`,
    family: 'mobilenet_v1',
    alpha: Number(alpha),
    inputSize: 224,
    url: `https://storage.googleapis.com/tfjs-models/tfjs/mobilenet_v1_${alpha}_224/model.json`,
    featureLayer: 'conv_pw_13_relu',
    preprocessing: MINUS_ONE_TO_ONE,
    sizeBytes,
    license: 'Apache-2.0 (Google, tensorflow/models MobileNet weights)',
    localDirNames: [`mobilenet_v1_${alpha}_224`],
  };
}

function mobilenetV2(alpha: '0.35' | '0.50' | '0.75' | '1.00', sizeBytes: number): CatalogEntry {
  return {
    id: `mobilenet_v2_${alpha}_224`,
    name: `MobileNetV2 ${alpha} (224)`,
    family: 'mobilenet_v2',
    alpha: Number(alpha),
    inputSize: 224,
    url: `https://storage.googleapis.com/teachable-machine-models/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_${alpha}_224_no_top/model.json`,
    featureLayer: 'out_relu',
    preprocessing: MINUS_ONE_TO_ONE,
    sizeBytes,
    license:
      'Apache-2.0 / MIT (Keras Applications ImageNet weights, as shipped by Teachable Machine)',
    localDirNames: [`mobilenet_v2_${alpha}_224`],
  };
}

export const catalog: readonly CatalogEntry[] = [
  // Digests of the copy in ../shared/fixtures (SOURCE.txt): model.json, and every shard
  // concatenated in manifest order.
  mobilenetV1('0.25', 1_956_860, {
    modelJson: '27d5e755aac53db39ac5de066c3a1aff387f9c9061c64ddf9cf92e0bdd629a63',
    weights: 'eb49857447f6089e7e392f7991f3f4fdce1936efaf83d535f5eb8aaba9538e0b',
  }),
  mobilenetV1('0.50', 5_290_000),
  mobilenetV1('0.75', 10_400_000),
  mobilenetV1('1.0', 17_200_000),
  {
    ...mobilenetV2('0.35', 1_640_000),
    // A Teachable Machine export carries the same frozen base nested in its first layer.
    localDirNames: ['mobilenet_v2_0.35_224', 'teachable_machine_mobilenet_v2_0.35'],
  },
  mobilenetV2('0.50', 2_800_000),
  mobilenetV2('0.75', 5_500_000),
  mobilenetV2('1.00', 9_100_000),
];

export const defaultCatalogId = 'mobilenet_v1_0.25_224';

/**
 * The licence's short name, without the note on whose weights they are ("Apache-2.0" of
 * "Apache-2.0 (Google, …)"), for narrow places such as the CLI's table.
 */
export function licenseShortName(license: string): string {
  return license.split(' (')[0]!.trim();
}

export function findCatalogEntry(id: string): CatalogEntry | undefined {
  return catalog.find((entry) => entry.id === id);
}
