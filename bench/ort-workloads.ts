/**
 * Feature extraction on onnxruntime-node (the studio's ORT feature engine), in its own process
 * (bundled by scripts/bench.mjs, run as `node ort-workloads.cjs --model M`): the same workload
 * as the TF.js rows (batch 32 of real images at 224×224, preprocessed) through the engine a run
 * uses (the frozen base converted to ONNX, pooled in the graph), once per execution provider of
 * this platform; a provider that does not load gives a row saying why. With --variants it also
 * compares the input layout (NHWC, what the studio feeds, against NCHW) and the batch size on
 * the CPU provider. Each result is one JSON line with the load average beside it.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { loadBaseModel } from '../main/services/models/load-layers-model';
import { convertFrozenPartToOnnx } from '../main/worker/exporters/onnx/convert-frozen-part';
import { imageBatches } from '../main/worker/images/image-batches';
import {
  loadOrt,
  openOrtSession,
  OrtFeatureEngine,
  providerCandidates,
} from '../main/worker/training/ort-engine';
import {
  BATCH,
  IMAGE_SIZE,
  PREPROCESSING,
  benchModels,
  hymenopteraItems,
  type BenchModel,
} from './bench-fixtures';
import { measureRate, type RateOptions } from './measure';
import { macsPerImage } from './model-macs';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    runs: { type: 'string', default: '5' },
    'min-run': { type: 'string', default: '2' },
    budget: { type: 'string', default: '40' },
    variants: { type: 'boolean', default: false },
  },
});
const root = process.cwd();
const rateOptions: RateOptions = {
  runs: Number(values.runs),
  minRunSeconds: Number(values['min-run']),
  budgetSeconds: Number(values.budget),
};
const load = (): number[] => os.loadavg().map((value) => Number(value.toFixed(2)));

function emit(record: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(record)}\n`);
}

/** `count` training images spread over both classes, as model input (NHWC float32). */
async function pixels(count: number): Promise<Float32Array> {
  const items = hymenopteraItems(root, 'train');
  const picked = Array.from(
    { length: count },
    (_, i) => items[Math.floor((i * items.length) / count)]!,
  );
  for await (const batch of imageBatches(picked, {
    size: IMAGE_SIZE,
    preprocessing: PREPROCESSING,
    batchSize: count,
  })) {
    if (batch.items.length === count) return batch.pixels;
  }
  throw new Error('an image of the benchmark batch did not decode');
}

/** NHWC → NCHW, as a producer writing channels-first would hand it over. */
function toNchw(nhwc: Float32Array, count: number): Float32Array {
  const [height, width] = IMAGE_SIZE;
  const plane = height * width;
  const out = new Float32Array(nhwc.length);
  for (let n = 0; n < count; n += 1) {
    for (let p = 0; p < plane; p += 1) {
      for (let c = 0; c < 3; c += 1) {
        out[n * 3 * plane + c * plane + p] = nhwc[(n * plane + p) * 3 + c]!;
      }
    }
  }
  return out;
}

/** One row per execution provider of this platform: the engine a run would use on it. */
async function providerRows(cut: tf.LayersModel, x: Float32Array): Promise<void> {
  for (const provider of providerCandidates()) {
    const name = `features-ort-${provider}`;
    try {
      const shape = { size: IMAGE_SIZE, pool: true };
      const created = await OrtFeatureEngine.create(cut, shape, { providers: [provider] });
      if (!created.engine) {
        emit({ workload: name, provider, unavailable: created.attempts[0]!.detail });
        continue;
      }
      const engine = created.engine;
      const loadBefore = load();
      const rate = await measureRate(BATCH, () => engine.run(x, BATCH), rateOptions);
      emit({ workload: name, provider, rate, description: engine.description, loadBefore });
      await engine.dispose();
    } catch (error) {
      emit({ workload: name, provider, error: (error as Error).message.split('\n')[0] });
    }
  }
}

/** CPU provider: NHWC against NCHW input, at batch 8, 16, 32 and 64 (back to back). */
async function variantRows(cut: tf.LayersModel): Promise<void> {
  const ort = await loadOrt();
  const threads = os.availableParallelism();
  const all = await pixels(64);
  for (const layout of ['nhwc', 'nchw'] as const) {
    const onnx = convertFrozenPartToOnnx(cut, { pool: true, inputLayout: layout });
    const { session } = await openOrtSession(ort, onnx.bytes, { threads, providers: ['cpu'] });
    for (const batch of [8, 16, 32, 64]) {
      const nhwc = all.subarray(0, batch * IMAGE_SIZE[0] * IMAGE_SIZE[1] * 3);
      const data = layout === 'nchw' ? toNchw(nhwc, batch) : nhwc;
      const [height, width] = IMAGE_SIZE;
      const dims = layout === 'nchw' ? [batch, 3, height, width] : [batch, height, width, 3];
      const input = new ort.Tensor('float32', data, dims);
      const loadBefore = load();
      const rate = await measureRate(
        batch,
        () => session!.run({ [onnx.inputName]: input }),
        rateOptions,
      );
      emit({ workload: 'features-ort-variant', layout, batch, rate, loadBefore });
    }
    await session!.release();
  }
}

async function main(): Promise<void> {
  const model = benchModels(root).find((m) => m.key === values.model) as BenchModel;
  if (!model) throw new Error('--model must be v1 or v2');
  const ort = await loadOrt();
  emit({
    workload: 'backend',
    backend: 'onnxruntime',
    description: `onnxruntime-node ${ort.env.versions.node ?? ort.env.versions.common}`,
  });
  const { cut } = await loadBaseModel(model.dir, {
    nestedBase: model.nestedBase,
    featureLayer: model.featureLayer,
  });
  emit({ workload: 'model', macsPerImage: macsPerImage(cut), featureShape: cut.outputs[0]!.shape });
  await providerRows(cut, await pixels(BATCH));
  if (values.variants) await variantRows(cut);
  emit({ workload: 'done', peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) });
}

main().catch((error: unknown) => {
  emit({
    workload: 'fatal',
    error: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
  process.exitCode = 1;
});
