/**
 * metadata.json in the shape Teachable Machine writes it, so that @teachablemachine/image
 * (`tmImage.load(modelURL, metadataURL)`) and ml5 (which fetches metadata.json beside
 * model.json for its labels) load a Transfer Studio export as they load a Teachable Machine one.
 * Field names and types follow a real Teachable Machine export (the fixture
 * teachable_machine_mobilenet_v2_0.35/metadata.json); what Teachable Machine leaves implicit
 * (how pixels are scaled) is stated in userMetadata.
 */
import { z } from 'zod';

/**
 * The Teachable Machine image-model export format this metadata follows (tmVersion of the
 * exports it was checked against). Its loaders read only `labels`; the version tells a reader
 * which layout of fields to expect.
 */
export const TM_FORMAT_VERSION = '2.4.5';

export const TeachableMachineMetadata = z.object({
  tfjsVersion: z.string(),
  tmVersion: z.string(),
  packageVersion: z.string(),
  packageName: z.string(),
  timeStamp: z.string(),
  userMetadata: z.record(z.string(), z.unknown()),
  modelName: z.string(),
  labels: z.array(z.string()).min(1),
  imageSize: z.number().int().positive(),
});
export type TeachableMachineMetadata = z.infer<typeof TeachableMachineMetadata>;

export interface TmMetadataOptions {
  tfjsVersion: string;
  producerVersion: string;
  modelName: string;
  labels: string[];
  inputSize: [number, number];
  preprocessing: { scale: number; offset: number };
  /** Extra facts for userMetadata (run id, base model, ...). */
  source?: Record<string, string>;
  now?: Date;
}

/** The metadata.json of a TF.js export. */
export function teachableMachineMetadata(options: TmMetadataOptions): TeachableMachineMetadata {
  const [height, width] = options.inputSize;
  const { scale, offset } = options.preprocessing;
  return TeachableMachineMetadata.parse({
    tfjsVersion: options.tfjsVersion,
    tmVersion: TM_FORMAT_VERSION,
    packageVersion: options.producerVersion,
    packageName: 'transfer-studio',
    timeStamp: (options.now ?? new Date()).toISOString(),
    userMetadata: {
      exportedBy: 'Transfer Studio',
      // Teachable Machine's own loader scales pixels as x / 127 - 1, which is within 0.8% of
      // MobileNet's x / 127.5 - 1; other runtimes should use these exact numbers.
      preprocessing: {
        color: 'RGB',
        resize: 'cover',
        layout: 'NHWC',
        inputShape: [null, height, width, 3],
        scale,
        offset,
        formula: 'x * scale + offset, for each channel value x in 0..255',
      },
      ...options.source,
    },
    modelName: options.modelName,
    labels: options.labels,
    imageSize: height,
  });
}
