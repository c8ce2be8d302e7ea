// The benchmark's steps, each run in child processes so their memory and timing do not mix:
// the PyTorch peer's setup, the matrix-multiply peak, TF.js workloads 1–3 per backend and
// model, PyTorch workloads 1–3, decoding, dataset scans and the end-to-end CLI run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { runChild } from './child-process.mjs';

export const MODELS = [
  { key: 'v1', name: 'MobileNet v1 0.25' },
  { key: 'v2', name: 'MobileNetV2 0.35 (TM base)' },
];

const log = (message) => process.stderr.write(`[bench] ${message}\n`);
const firstLine = (text) =>
  String(text ?? '')
    .split('\n')
    .find((l) => l.trim()) ?? '';

/** Runs bench/setup-peer.sh; the venv's python, or undefined with the reason logged. */
export function setupPeer(root) {
  log('PyTorch peer: bash bench/setup-peer.sh (first run installs torch from PyPI, a few minutes)');
  const result = spawnSync('bash', [path.join(root, 'bench/setup-peer.sh')], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const python = result.stdout?.trim().split('\n').pop();
  if (result.status !== 0 || !python) return { error: `setup failed (exit ${result.status})` };
  return { python };
}

/** Bundles the TypeScript entries of the bench (they import the worker's code). */
export async function bundle(root) {
  const outDir = path.join(root, 'node_modules/.cache/bench');
  mkdirSync(outDir, { recursive: true });
  const entries = {
    'tfjs-workloads': 'bench/tfjs-workloads.ts',
    'ort-workloads': 'bench/ort-workloads.ts',
    'decode-workload': 'bench/decode-workload.ts',
  };
  await build({
    entryPoints: Object.fromEntries(
      Object.entries(entries).map(([k, v]) => [k, path.join(root, v)]),
    ),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    outdir: outDir,
    outExtension: { '.js': '.cjs' },
    logLevel: 'warning',
    absWorkingDir: root,
  });
  return Object.fromEntries(Object.keys(entries).map((k) => [k, path.join(outDir, `${k}.cjs`)]));
}

const childEnv = () => ({ ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' });

export async function matmulPeak(root, python) {
  log('matrix-multiply peak (numpy and torch sgemm)');
  const env = { ...process.env };
  // Only here: let OpenBLAS detect the real CPU instead of a forced core type or cache size.
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const run = await runChild(python, [path.join(root, 'bench/matmul_peak.py')], {
    env,
    cwd: root,
    timeoutMs: 300_000,
  });
  const result = run.records.at(-1);
  if (!result) return { error: `failed: ${firstLine(run.stderrTail) || `exit ${run.code}`}` };
  const blas = result.numpy.blas[0];
  const numpyBest = result.numpy.peakGflops >= result.torch.peakGflops;
  result.kernel = numpyBest
    ? `numpy ${result.numpy.version}, ${blas ? `${blas.internal_api} ${blas.version} ${blas.architecture} kernel, ${blas.num_threads} threads` : 'unknown BLAS'}`
    : `torch ${result.torch.version}`;
  result.kernelShort = numpyBest ? `numpy (${blas?.internal_api} ${blas?.architecture})` : 'torch';
  return result;
}

/** Per-backend measurement settings: the slow backends get fewer, single-step runs. */
function tfjsSettings(backend, quick) {
  if (backend === 'tensorflow')
    return { runs: quick ? 3 : 5, minRun: 2, budget: 30, timeoutMs: 600_000, skip: [] };
  if (backend === 'wasm')
    return { runs: 3, minRun: 0, budget: quick ? 15 : 30, timeoutMs: 900_000, skip: [] };
  // Plain JS: one forward batch of 32 takes ~20 s here, so an uncached epoch takes minutes and
  // a fine-tuning step longer still: only feature extraction is measured.
  return { runs: 1, minRun: 0, budget: 0, timeoutMs: 600_000, skip: ['head-epoch', 'fine-tune'] };
}

async function tfjsChild(bundles, root, backend, model, settings, extra = []) {
  const args = [
    bundles['tfjs-workloads'],
    '--backend',
    backend,
    '--model',
    model.key,
    '--runs',
    String(settings.runs),
    '--min-run',
    String(settings.minRun),
    '--budget',
    String(settings.budget),
    ...settings.skip.flatMap((name) => ['--skip', name]),
    ...extra,
  ];
  return runChild(process.execPath, args, {
    cwd: root,
    env: childEnv(),
    timeoutMs: settings.timeoutMs,
    onRecord: (r) => logRecord(`${backend} ${model.key}`, r),
  });
}

/** One progress line per result of a child, on stderr. */
function logRecord(prefix, r) {
  if (r.workload === 'done') return;
  const value =
    r.rate?.median ??
    r.speedup ??
    r.error ??
    r.unavailable ??
    r.skipped ??
    r.description ??
    r.macsPerImage ??
    r.note;
  log(
    `  ${prefix} ${r.workload}: ${value}${r.rate ? ' img/s' : r.speedup ? '× cache speed-up' : ''}`,
  );
}

/** Collects a child's records into { backend, model, workloads } for the report. */
function engineRun(run, model, engine, fallbackBackend) {
  const byName = Object.fromEntries(run.records.map((r) => [r.workload, r]));
  const fatal = byName.fatal?.error ?? run.error;
  const base = {
    engine,
    modelKey: model.key,
    modelName: model.name,
    backend: byName.backend?.backend ?? fallbackBackend,
    description: byName.backend?.description,
    model: byName.model,
    workloads: byName,
    peakRssMiB: byName.done?.peakRssMiB,
    seconds: Number(run.seconds.toFixed(1)),
  };
  if (!byName.backend) {
    return {
      ...base,
      error: `not available: ${firstLine(fatal ?? run.stderrTail) || `exit ${run.code}`}`,
    };
  }
  for (const name of ['features', 'features-fused', 'head-epoch', 'fine-tune']) {
    if (!byName[name]) {
      byName[name] = {
        error: run.timedOut
          ? `stopped at the ${settingsMinutes(run)} min limit`
          : firstLine(fatal ?? run.stderrTail) || `process ended (exit ${run.code})`,
      };
    }
  }
  return base;
}
const settingsMinutes = (run) => Math.round(run.seconds / 60);

export async function tfjsWorkloads(root, bundles, quick) {
  const backends = quick ? ['tensorflow', 'wasm'] : ['tensorflow', 'wasm', 'cpu'];
  const runs = [];
  for (const backend of backends) {
    const settings = tfjsSettings(backend, quick);
    for (const model of MODELS) {
      log(`TF.js ${backend}, ${model.name}: workloads 1–3`);
      const run = engineRun(
        await tfjsChild(bundles, root, backend, model, settings),
        model,
        'tfjs',
        backend,
      );
      runs.push(run);
      if (run.error) {
        log(`  ${backend}: ${run.error}`);
        if (run.error.startsWith('not available')) {
          for (const other of MODELS.filter((m) => m !== model)) {
            runs.push({
              engine: 'tfjs',
              modelKey: other.key,
              modelName: other.name,
              backend,
              error: run.error,
            });
          }
          break;
        }
        continue;
      }
      const tune = run.workloads['fine-tune'];
      if (tune.error && !quick && backend !== 'cpu') {
        // wasm's heap (at most 4 GiB) can be too small for a batch of 32: measure at 16 too.
        log(`  fine-tuning at batch 32 failed (${tune.error}); measuring at batch 16`);
        const retry = await tfjsChild(bundles, root, backend, model, settings, [
          '--fine-tune-batch',
          '16',
          ...['features', 'features-fused', 'head-epoch'].flatMap((name) => ['--skip', name]),
        ]);
        const second = retry.records.find((r) => r.workload === 'fine-tune');
        if (second?.rate) run.workloads['fine-tune'] = { ...second, firstError: tune.error };
      }
    }
  }
  return runs;
}

/**
 * Feature extraction on onnxruntime-node (the studio's ORT feature engine), per model and per
 * execution provider of this platform; not in quick mode also the layout and batch variants.
 */
export async function ortWorkloads(root, bundles, quick) {
  const runs = [];
  for (const model of MODELS) {
    log(`onnxruntime, ${model.name}: feature extraction per execution provider`);
    const args = [bundles['ort-workloads'], '--model', model.key, '--runs', quick ? '3' : '5'];
    const run = await runChild(process.execPath, quick ? args : [...args, '--variants'], {
      cwd: root,
      env: childEnv(),
      timeoutMs: 600_000,
      onRecord: (r) => logRecord(`onnxruntime ${model.key}`, r),
    });
    const byName = Object.fromEntries(run.records.map((r) => [r.workload, r]));
    runs.push({
      engine: 'onnxruntime',
      modelKey: model.key,
      modelName: model.name,
      description: byName.backend?.description,
      model: byName.model,
      providers: run.records.filter((r) => r.workload.startsWith('features-ort-') && r.provider),
      variants: run.records.filter((r) => r.workload === 'features-ort-variant'),
      peakRssMiB: byName.done?.peakRssMiB,
      ...(byName.backend
        ? {}
        : { error: `not available: ${firstLine(byName.fatal?.error ?? run.stderrTail)}` }),
    });
  }
  return runs;
}

export async function pytorchWorkloads(root, python, quick) {
  const runs = [];
  for (const model of MODELS) {
    if (!python) {
      runs.push({
        engine: 'pytorch',
        modelKey: model.key,
        modelName: model.name,
        backend: 'pytorch',
        error: 'PyTorch peer not set up (see bench/setup-peer.sh)',
      });
      continue;
    }
    log(`PyTorch, ${model.name}: workloads 1–3`);
    const run = await runChild(
      python,
      [
        path.join(root, 'bench/torch_workloads.py'),
        '--model',
        model.key,
        '--runs',
        quick ? '3' : '5',
        '--min-run',
        '2',
        '--budget',
        '30',
      ],
      {
        cwd: root,
        env: { ...process.env, PYTHONWARNINGS: 'ignore' },
        timeoutMs: 900_000,
        onRecord: (r) => logRecord(`pytorch ${model.key}`, r),
      },
    );
    const result = engineRun(run, model, 'pytorch', 'pytorch');
    result.backend = 'pytorch';
    runs.push(result);
  }
  return runs;
}

export async function decodeWorkload(root, bundles) {
  log('decode + resize with sharp (hymenoptera)');
  const run = await runChild(process.execPath, [bundles['decode-workload']], {
    cwd: root,
    timeoutMs: 300_000,
  });
  return run.records.at(-1) ?? { error: firstLine(run.stderrTail) || `exit ${run.code}` };
}

/** Generated datasets are kept in the temp folder between runs (same seed, same files). */
function generatedDataset(root, files) {
  const dir = path.join(os.tmpdir(), 'transfer-studio-bench', `ds-${files}`);
  const marker = path.join(dir, 'generated.json');
  if (existsSync(marker)) return dir;
  rmSync(dir, { recursive: true, force: true });
  log(`  generating ${files} images into ${dir}`);
  const made = spawnSync(
    process.execPath,
    [
      path.join(root, 'scripts/generate-dataset.mjs'),
      '--out',
      dir,
      '--files',
      String(files),
      '--classes',
      '10',
    ],
    { cwd: root, encoding: 'utf8' },
  );
  if (made.status !== 0) throw new Error(`generate-dataset failed: ${firstLine(made.stderr)}`);
  writeFileSync(marker, made.stdout);
  return dir;
}

export async function scanWorkloads(root, quick) {
  const sizes = quick ? [1000, 10000] : [1000, 10000, 100000];
  const results = [];
  for (const files of sizes) {
    const runs = files >= 100000 ? 1 : 3;
    log(`dataset scan, ${files} files (${runs} run${runs > 1 ? 's' : ''})`);
    let dir;
    try {
      dir = generatedDataset(root, files);
    } catch (error) {
      results.push({ files, error: error.message });
      continue;
    }
    const samples = { list: [], check: [] };
    for (let i = 0; i < runs; i += 1) {
      // scripts/bench-scan.mjs runs listing and the full check each in a fresh process.
      const run = await runChild(
        process.execPath,
        [path.join(root, 'scripts/bench-scan.mjs'), dir],
        { cwd: root, timeoutMs: 900_000 },
      );
      for (const record of run.records) samples[record.mode]?.push(record);
      if (!run.records.length) samples.error = firstLine(run.stderrTail) || `exit ${run.code}`;
    }
    const pick = (list) => {
      if (!list.length) return { error: samples.error ?? 'no result' };
      const sorted = [...list].sort((a, b) => a.seconds - b.seconds);
      return {
        ...sorted[Math.floor((sorted.length - 1) / 2)],
        runs: list.length,
        peakRssMiB: Math.max(...list.map((r) => r.peakRssMiB)),
      };
    };
    results.push({ files, dir, list: pick(samples.list), check: pick(samples.check) });
  }
  return results;
}

/** Builds the studio's CLI and worker bundles (dist/main) for the end-to-end run. */
export function buildMain(root) {
  const built = spawnSync(process.execPath, [path.join(root, 'scripts/build-main.mjs')], {
    cwd: root,
    encoding: 'utf8',
  });
  return built.status === 0
    ? {}
    : { error: `node scripts/build-main.mjs failed: ${firstLine(built.stderr)}` };
}

/**
 * A realistic large set made from the fixture photos by scripts/generate-photo-dataset.mjs
 * (random crops, flips, rotations and colour changes, ~400x300 JPEG, 12 classes), kept in the
 * temp folder between runs.
 */
export function photoDataset(root, fixtures, files) {
  const dir = path.join(os.tmpdir(), 'transfer-studio-bench', `photos-${files}-c12`);
  const marker = path.join(dir, 'generated.json');
  if (existsSync(marker)) return dir;
  rmSync(dir, { recursive: true, force: true });
  log(`  generating ${files} photos into ${dir} (a few minutes; kept for later runs)`);
  const made = spawnSync(
    process.execPath,
    [
      path.join(root, 'scripts/generate-photo-dataset.mjs'),
      '--out',
      dir,
      '--files',
      String(files),
      '--classes',
      '12',
      '--sources',
      path.join(fixtures, 'datasets/hymenoptera_data'),
    ],
    { cwd: root, encoding: 'utf8' },
  );
  if (made.status !== 0)
    throw new Error(`generate-photo-dataset failed: ${firstLine(made.stderr)}`);
  writeFileSync(marker, made.stdout);
  return dir;
}

/** Feature extraction's numbers from a run's metrics.jsonl: images/s into the engine, profile. */
function featureStats(runDir) {
  try {
    const lines = readFileSync(path.join(runDir, 'metrics.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    const find = (phase) => lines.find((l) => l.type === 'phase' && l.phase === phase);
    return {
      imagesPerSecond: find('features-train-done')?.imagesPerSecond,
      trainFeatures: find('features-train-done')?.message,
      profile: find('features-train-profile')?.message,
      views: find('views')?.message,
    };
  } catch {
    return {};
  }
}

/**
 * Workload 6: the CLI as a user runs it, with the worker's peak RSS followed in /proc, on
 * hymenoptera or (given `files`) a generated set of that many realistic photos.
 */
export async function endToEnd(root, fixtures, backend, files) {
  const label = files ? `photos-${files}` : 'hymenoptera';
  const work = path.join(os.tmpdir(), 'transfer-studio-bench', `e2e-${backend}-${label}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const env = {
    ...childEnv(),
    TRANSFER_STUDIO_MODELS: path.join(fixtures, 'models'),
    TRANSFER_STUDIO_DATA: path.join(work, 'data'),
    ...(backend === 'auto' ? {} : { TRANSFER_STUDIO_BACKEND: backend }),
  };
  let dataset;
  try {
    dataset = files
      ? photoDataset(root, fixtures, files)
      : path.join(fixtures, 'datasets/hymenoptera_data');
  } catch (error) {
    return { backend, dataset: label, error: error.message };
  }
  const loadBefore = os.loadavg().map((v) => Number(v.toFixed(2)));
  const cli = (args, trackMemory = false) =>
    runChild(process.execPath, [path.join(root, 'dist/main/cli.cjs'), ...args], {
      cwd: root,
      env,
      // 50k photos take minutes even on a quiet machine; a loaded one needs far longer.
      timeoutMs: files ? 3_600_000 : 900_000,
      trackMemory,
    });
  log(`end to end (${backend}, ${label}): scan → train → export`);
  const scan = await cli(['scan', dataset, '--json']);
  if (scan.code !== 0)
    return { backend, dataset: label, error: `scan failed: ${firstLine(scan.stderrTail)}` };
  const train = await cli(['train', dataset, '--out', path.join(work, 'run'), '--json'], true);
  const summary = train.records.find((r) => r.type === 'summary');
  if (train.code !== 0 || !summary)
    return {
      backend,
      dataset: label,
      error: `train failed: ${firstLine(summary?.error ?? train.stderrTail)}`,
    };
  const exported = await cli([
    'export',
    path.join(work, 'run'),
    '--format',
    'tfjs',
    '--out',
    path.join(work, 'export'),
    '--json',
  ]);
  if (exported.code !== 0)
    return { backend, dataset: label, error: `export failed: ${firstLine(exported.stderrTail)}` };
  const worker = train.processes.find((p) => /worker\.cjs/.test(p.command));
  const cliProcess = train.processes.find((p) => /cli\.cjs/.test(p.command));
  const modelJson = path.join(work, 'export', 'model.json');
  let recipe;
  try {
    const config = JSON.parse(readFileSync(path.join(work, 'run', 'config.json'), 'utf8'));
    recipe = {
      model: config.model,
      freeze: config.freeze?.mode,
      epochs: config.epochs,
      earlyStopping: config.earlyStopping,
      batchSize: config.batchSize,
      learningRate: config.learningRate,
      viewsPerImage: config.augmentation?.viewsPerImage,
      fineTuneEpochs: config.fineTune?.epochs,
    };
  } catch {
    recipe = undefined;
  }
  return {
    backend: summary.backend ?? backend,
    requested: backend,
    dataset: label,
    files: files ?? summary.trainImages,
    loadAverageBefore: loadBefore,
    loadAverageAfter: os.loadavg().map((v) => Number(v.toFixed(2))),
    features: featureStats(path.join(work, 'run')),
    scanSeconds: Number(scan.seconds.toFixed(2)),
    trainSeconds: Number(train.seconds.toFixed(2)),
    exportSeconds: Number(exported.seconds.toFixed(2)),
    totalSeconds: Number((scan.seconds + train.seconds + exported.seconds).toFixed(2)),
    epochs: summary.epochsDone,
    epochsPlanned: summary.epochsPlanned,
    recipe,
    valAccuracy: summary.finalValAccuracy,
    workerPeakRssMiB: worker?.peakRssMiB,
    cliPeakRssMiB: cliProcess?.peakRssMiB,
    exportedModelBytes: existsSync(modelJson) ? readFileSync(modelJson).length : undefined,
  };
}
