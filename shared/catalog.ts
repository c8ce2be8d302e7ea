/**
 * Base models a user can choose, with the canonical URLs they are published at. Downloading
 * is a later feature; today a model is used from the local models folder
 * (TRANSFER_STUDIO_MODELS or the setting), where each entry is looked up by `localDirNames`.
 */
import type { CatalogEntry } from './domain';

/** MobileNet inputs: RGB scaled from [0, 255] to [-1, 1]. */
const MINUS_ONE_TO_ONE = { scale: 1 / 127.5, offset: -1 } as const;

function mobilenetV1(alpha: '0.25' | '0.50' | '0.75' | '1.0', sizeBytes: number): CatalogEntry {
  return {
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
  mobilenetV1('0.25', 1_956_860),
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

export function findCatalogEntry(id: string): CatalogEntry | undefined {
  return catalog.find((entry) => entry.id === id);
}
