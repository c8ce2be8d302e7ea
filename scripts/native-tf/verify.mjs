// Last step of scripts/build-native-tf: loads the freshly built binding the way the worker does,
// checks that it shares the project's tfjs-core, runs a convolution and its gradient on native
// TensorFlow and on the plain-JS backend and compares them, then records build-info.json (read
// by main/worker/backends/pip-native.ts and `transfer-studio doctor`).
// Usage: node verify.mjs NATIVE_DIR PROJECT_ROOT VARIANT PIP_PACKAGE
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

// tfjs and tfjs-node are CommonJS packages found at run time, hence a require of our own.
const load = createRequire(import.meta.url);

const [nativeArg, rootArg, variant, pipPackage] = process.argv.slice(2);
if (!nativeArg || !rootArg || !variant || !pipPackage) {
  console.error('usage: node verify.mjs NATIVE_DIR PROJECT_ROOT VARIANT PIP_PACKAGE');
  process.exit(2);
}
const nativeDir = path.resolve(nativeArg);
const root = path.resolve(rootArg);
const pkgDir = path.join(nativeDir, 'tfjs-node');

function fail(message) {
  console.error(`verify: ${message}`);
  process.exit(1);
}

// One tfjs-core: tfjs-node must resolve the very files the worker loads, or its backend would be
// registered with a second engine that the app never uses.
const fromTfjsNode = createRequire(path.join(pkgDir, 'dist/index.js'));
const fromProject = createRequire(path.join(root, 'package.json'));
for (const name of ['@tensorflow/tfjs', '@tensorflow/tfjs-core']) {
  const theirs = fs.realpathSync(fromTfjsNode.resolve(name));
  const ours = fs.realpathSync(fromProject.resolve(name));
  if (theirs !== ours) fail(`tfjs-node resolves ${name} to ${theirs}, not the project's ${ours}`);
}
const projectTfjs = fromProject.resolve('@tensorflow/tfjs');

const tf = load(projectTfjs);
const started = Date.now();
load(pkgDir);
const loadMs = Date.now() - started;
if (!tf.findBackend('tensorflow'))
  fail("loading tfjs-node did not register a 'tensorflow' backend");
if (tf.getBackend() !== 'tensorflow') fail(`active backend is ${tf.getBackend()}, not tensorflow`);
const backend = tf.backend();
const tfVersion = backend.binding.TF_Version;

// A small convolution and its gradient: the kernels fine-tuning needs, checked against the
// plain-JS backend so that a binding that returns garbage fails here, not in a training run.
function convAndGrad() {
  return tf.tidy(() => {
    const x = tf.tensor4d(
      Array.from({ length: 2 * 9 * 9 * 3 }, (_, i) => Math.sin(i)),
      [2, 9, 9, 3],
    );
    const k = tf.tensor4d(
      Array.from({ length: 3 * 3 * 3 * 4 }, (_, i) => Math.cos(i)),
      [3, 3, 3, 4],
    );
    const f = (kernel) => tf.conv2d(x, kernel, 1, 'same').relu().square().mean();
    const { value, grad } = tf.valueAndGrad(f)(k);
    return { value: value.dataSync()[0], grad: Array.from(grad.dataSync()) };
  });
}
const native = convAndGrad();
tf.setBackend('cpu');
// The JS backend greets its first use in Node with advice to install tfjs-node; hush it here.
const warn = console.warn;
console.warn = () => {};
const reference = convAndGrad();
console.warn = warn;
tf.setBackend('tensorflow');
const worst = Math.max(
  Math.abs(native.value - reference.value) / Math.abs(reference.value),
  ...native.grad.map(
    (g, i) => Math.abs(g - reference.grad[i]) / (Math.abs(reference.grad[i]) + 1e-3),
  ),
);
if (!(worst < 1e-3))
  fail(`native conv2d/gradient differ from the JS backend (relative error ${worst})`);

const info = {
  tfVersion,
  variant,
  pipPackage,
  tfjsNodeVersion: load(path.join(pkgDir, 'package.json')).version,
  tfjsVersion: tf.version.tfjs,
  usesGpu: Boolean(backend.isUsingGpuDevice),
  builtAt: new Date().toISOString(),
};
fs.writeFileSync(path.join(nativeDir, 'build-info.json'), JSON.stringify(info, null, 2) + '\n');

console.log(`   TF_Version from the binding: ${tfVersion} (loaded in ${loadMs} ms)`);
console.log(
  `   conv2d + gradient match the JS backend (worst relative error ${worst.toExponential(1)})`,
);
console.log(`   device: ${info.usesGpu ? 'GPU' : 'CPU'}`);
if (variant === 'cuda' && !info.usesGpu) {
  console.log('   note: built for CUDA but TensorFlow found no GPU; it will run on the CPU');
}
