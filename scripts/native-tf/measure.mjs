// One-off throughput measurement for issue 3 (not a test): MobileNet v1 0.25 from the shared
// fixtures on real hymenoptera images, batch 32, 224x224, on one TF.js backend per process.
//   feature extraction  base up to conv_pw_13_relu, predict
//   head training       flatten -> dense(100, relu) -> dense(2) on cached [7,7,256] features
//   full fine-tuning    every layer trainable, trainOnBatch with Adam (BatchNorm in training mode)
// Usage: node scripts/native-tf/measure.mjs [--backend B ...] [--rounds N]
//          [--seconds S] [--torch PYTHON]; B: tensorflow, tensorflow-stock, wasm, wasm-bridged, cpu
// With no or several --backend it runs each (default: tensorflow, wasm, wasm-bridged) in its own
// process, --rounds times interleaved, plus PyTorch when --torch PYTHON names a Python that has
// torch (scripts/native-tf/measure_torch.py), and prints a table of medians and bests.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const load = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixtures = process.env.TRANSFER_STUDIO_FIXTURES ?? path.resolve(root, '../shared/fixtures');
const modelDir = path.join(fixtures, 'models/mobilenet_v1_0.25_224');
const imagesDir = path.join(fixtures, 'datasets/hymenoptera_data/train');
const BATCH = 32;

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : fallback;
};
const seconds = Number(option('--seconds', '20'));
const backends = args.flatMap((arg, i) => (args[i - 1] === '--backend' ? [arg] : []));

if (backends.length !== 1) {
  // Driver: each backend in its own process, interleaved over rounds (the machine is shared, so
  // the best and median of several rounds say more than one run).
  const rounds = Number(option('--rounds', '1'));
  const torchPython = option('--torch', undefined);
  const jobs = (backends.length ? backends : ['tensorflow', 'wasm', 'wasm-bridged']).map((b) => [
    process.execPath,
    [fileURLToPath(import.meta.url), '--backend', b, '--seconds', String(seconds)],
  ]);
  if (torchPython) {
    const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'measure_torch.py');
    jobs.push([torchPython, [script, '--seconds', String(seconds)]]);
  }
  const runs = new Map();
  for (let round = 1; round <= rounds; round++) {
    for (const [command, commandArgs] of jobs) {
      let result;
      try {
        const out = execFileSync(command, commandArgs, {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'inherit'],
          env: { TF_CPP_MIN_LOG_LEVEL: '2', ...process.env },
        });
        result = JSON.parse(out.trim().split('\n').pop());
      } catch (error) {
        const failed = `failed: ${String(error.message).split('\n')[0]}`;
        result = { backend: commandArgs.join(' ').slice(-40), featureExtraction: failed };
      }
      console.error(`round ${round}: ${JSON.stringify(result)}`);
      runs.set(result.description ?? result.backend, [
        ...(runs.get(result.description ?? result.backend) ?? []),
        result,
      ]);
    }
  }
  const summary = (values) => {
    const numbers = values.filter((v) => typeof v === 'number').sort((a, b) => a - b);
    if (!numbers.length) return String(values[0]).slice(0, 60);
    const median = numbers[Math.floor((numbers.length - 1) / 2)];
    return numbers.length > 1 ? `${median} (best ${numbers.at(-1)})` : String(median);
  };
  console.table(
    [...runs].map(([name, results]) => ({
      backend: name,
      'features img/s': summary(results.map((r) => r.featureExtraction)),
      'head img/s': summary(results.map((r) => r.headTraining)),
      'fine-tune img/s': summary(results.map((r) => r.fullFineTuning)),
    })),
  );
  process.exit(0);
}

const tf = load(path.join(root, 'node_modules/@tensorflow/tfjs'));
const backend = backends[0];
let description = backend;
/** Bundles one of the worker's TypeScript modules on the fly, so this uses the app's own code. */
async function workerModule(entry) {
  const { build } = load(path.join(root, 'node_modules/esbuild'));
  const outfile = path.join(root, 'node_modules/.cache/native-tf', `${path.basename(entry)}.cjs`);
  await build({
    entryPoints: [path.join(root, entry)],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    packages: 'external',
    outfile,
    logLevel: 'warning',
  });
  return load(outfile);
}

if (backend === 'tensorflow') {
  // The worker's own loader, which also installs its fused training kernels.
  const { loadPipNative } = await workerModule('main/worker/backends/pip-native.ts');
  const result = await loadPipNative({ startDir: root });
  if (!result.ok) throw new Error(`${result.detail}; fix: ${result.fix}`);
  description = result.description;
} else if (backend === 'tensorflow-stock') {
  // The same build without the fused kernels: TF.js's own op-by-op gradients on TensorFlow.
  const nativeDir = process.env.TRANSFER_STUDIO_NATIVE_DIR ?? path.join(root, '.native');
  load(path.join(nativeDir, 'tfjs-node'));
  await tf.setBackend('tensorflow');
  description = `tensorflow (native, TF ${tf.backend().binding.TF_Version}, stock TF.js gradients)`;
} else if (backend === 'wasm' || backend === 'wasm-bridged') {
  load(path.join(root, 'node_modules/@tensorflow/tfjs-backend-wasm'));
  await tf.setBackend('wasm');
  description = `wasm (SIMD ${await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')}, 1 thread)`;
  if (backend === 'wasm-bridged') {
    // The worker's stand-ins for the convolution gradients tfjs-backend-wasm lacks (its only
    // export; named loosely because that module is still settling).
    const bridge = await workerModule('main/worker/backends/wasm-gradients.ts');
    const register = Object.values(bridge).find((f) => typeof f === 'function');
    description += `, JS gradients for ${register().length} kernels`;
  }
} else {
  await tf.setBackend('cpu');
}
await tf.ready();

/** Runs `step` (which processes `perStep` images) until `seconds` pass; returns images/s. */
async function throughput(perStep, step) {
  await step(); // warm-up: kernel selection, graph building, allocations
  let images = 0;
  const started = performance.now();
  do {
    await step();
    images += perStep;
  } while (performance.now() - started < seconds * 1000);
  return Number(((images * 1000) / (performance.now() - started)).toFixed(2));
}

async function guarded(label, run) {
  try {
    return await run();
  } catch (error) {
    console.error(`${backend}: ${label} failed: ${String(error.message).split('\n')[0]}`);
    return `error: ${String(error.message).split('\n')[0]}`;
  }
}

const sharp = load(path.join(root, 'node_modules/sharp'));
async function imageBatch() {
  const files = ['ants', 'bees']
    .flatMap((label) =>
      fs.readdirSync(path.join(imagesDir, label)).map((f) => path.join(imagesDir, label, f)),
    )
    .filter((f) => /\.jpe?g$/i.test(f))
    .sort()
    .filter((_, i) => i % 7 === 0)
    .slice(0, BATCH);
  const pixels = new Float32Array(files.length * 224 * 224 * 3);
  for (const [i, file] of files.entries()) {
    const raw = await sharp(file).resize(224, 224, { fit: 'cover' }).removeAlpha().raw().toBuffer();
    for (let j = 0; j < raw.length; j++) pixels[i * raw.length + j] = raw[j] / 127.5 - 1;
  }
  const labels = files.map((f) => (f.includes(`${path.sep}bees${path.sep}`) ? 1 : 0));
  return { x: tf.tensor4d(pixels, [files.length, 224, 224, 3]), y: tf.oneHot(labels, 2).toFloat() };
}

async function loadMobileNet() {
  const modelJson = JSON.parse(fs.readFileSync(path.join(modelDir, 'model.json'), 'utf8'));
  const weightSpecs = modelJson.weightsManifest.flatMap((group) => group.weights);
  const buffers = modelJson.weightsManifest.flatMap((group) =>
    group.paths.map((p) => fs.readFileSync(path.join(modelDir, p))),
  );
  const all = Buffer.concat(buffers);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  return tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs, weightData }),
  );
}

function head(inputShape) {
  const input = tf.input({ shape: inputShape });
  const hidden = tf.layers
    .dense({ units: 100, activation: 'relu' })
    .apply(tf.layers.flatten().apply(input));
  const output = tf.layers.dense({ units: 2, activation: 'softmax' }).apply(hidden);
  return tf.model({ inputs: input, outputs: output });
}

const { x, y } = await imageBatch();
const mobilenet = await loadMobileNet();
const base = tf.model({
  inputs: mobilenet.inputs,
  outputs: mobilenet.getLayer('conv_pw_13_relu').output,
});

const featureExtraction = await guarded('feature extraction', () =>
  throughput(BATCH, async () => {
    const features = base.predict(x);
    await features.data();
    features.dispose();
  }),
);

const headTraining = await guarded('head training', async () => {
  const features = base.predict(x);
  const manyFeatures = tf.concat(Array(8).fill(features)); // 256 cached feature maps
  const manyLabels = tf.concat(Array(8).fill(y));
  const model = head([7, 7, 256]);
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  return throughput(256, () =>
    model.fit(manyFeatures, manyLabels, { batchSize: BATCH, epochs: 1, verbose: 0 }),
  );
});

const fullFineTuning = await guarded('full fine-tuning', async () => {
  for (const layer of base.layers) layer.trainable = true;
  const top = head([7, 7, 256]);
  const model = tf.model({ inputs: base.inputs, outputs: top.apply(base.outputs[0]) });
  model.compile({ optimizer: tf.train.adam(1e-4), loss: 'categoricalCrossentropy' });
  const trainable = model.trainableWeights.length;
  if (trainable < 80) throw new Error(`only ${trainable} trainable weights`);
  return throughput(BATCH, () => model.trainOnBatch(x, y));
});

console.log(
  JSON.stringify({ backend, description, featureExtraction, headTraining, fullFineTuning }),
);
