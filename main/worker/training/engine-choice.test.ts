/**
 * Choosing the feature engine, falling back, cancelling and the cache key, with real
 * onnxruntime-node, real TF.js (wasm), the real MobileNet v1 fixture and real images. Failures
 * of onnxruntime are forced with TRANSFER_STUDIO_ORT_FAULT (=load: the module refuses to load;
 * =run-after:N: the (N+1)th batch throws, standing for onnxruntime dying mid-run): this machine's
 * onnxruntime works, so that is the only way to see the fallback.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkerMessage } from '../../../shared/worker-protocol';
import { loadBaseModel, type LoadedBase } from '../../services/models/load-layers-model';
import { mobilenetV1Dir } from '../../services/models/test-fixtures';
import { RunStore } from '../../services/runs/run-store';
import { createHymenopteraJob, hymenopteraItems } from '../../services/training/test-jobs';
import { selectBackend } from '../backends/backend-chain';
import { CancelledError, CancelSignal } from './cancel-signal';
import { chooseFeatureEngine, FallbackEngine, probeFeatureEngines } from './engine-choice';
import { buildFeatureTable, type FeatureTable } from './feature-cache';
import { LazyFeatureEngine, TfjsFeatureEngine, type FeatureEngine } from './feature-engine';
import { InferenceGraph } from './inference-graph';
import { ORT_FAULT_ENV } from './ort-engine';
import { runTrainJob } from './train-job';
import { testTableOptions } from './test-table-options';

const items = hymenopteraItems('val', 3);
const shape = { size: [224, 224] as const, pool: true };
let loaded: LoadedBase;
let graph: InferenceGraph;
let dir: string;
const opened: Array<{ dispose: () => unknown }> = [];

beforeAll(async () => {
  await selectBackend('wasm');
  loaded = await loadBaseModel(mobilenetV1Dir, { nestedBase: [], featureLayer: 'conv_pw_13_relu' });
  graph = InferenceGraph.fromModel(loaded.cut);
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-engine-choice-'));
});
afterAll(async () => {
  for (const item of opened.reverse()) await item.dispose();
  graph.dispose();
  loaded.model.dispose();
  await fs.rm(dir, { recursive: true, force: true });
});

async function choose(env: NodeJS.ProcessEnv = {}, extra = {}) {
  const notices: string[] = [];
  const chosen = await chooseFeatureEngine(
    loaded.cut,
    () => new TfjsFeatureEngine(graph, shape),
    shape,
    { env, onNotice: (message) => notices.push(message), ...extra },
  );
  opened.push(chosen.engine);
  return { ...chosen, notices };
}

async function rowsOf(table: FeatureTable): Promise<Float32Array> {
  const [rows] = table.rows(table.items.map((_, item) => ({ item, view: 0 })));
  const values = (await rows!.data()) as Float32Array;
  tf.dispose(rows);
  opened.push(table);
  return values;
}

const maxDiff = (a: Float32Array, b: Float32Array): number =>
  a.reduce((max, value, index) => Math.max(max, Math.abs(value - b[index]!)), 0);

describe('feature engine choice', () => {
  it('chooses onnxruntime on the CPU here, with TF.js as its fallback', async () => {
    const { engine, report } = await choose();
    expect(engine.kind).toBe('onnxruntime');
    expect(report.chosen).toBe('onnxruntime-cpu');
    expect(report.attempts.at(-1)).toMatchObject({ name: 'tfjs', ok: true });
    expect(report.attempts.at(-1)!.detail).toMatch(/used if onnxruntime fails/);
  });

  it('uses TF.js, saying why, when onnxruntime does not load', async () => {
    const { engine, report } = await choose({ [ORT_FAULT_ENV]: 'load' });
    expect(engine.kind).toBe('tfjs');
    expect(report.chosen).toBe('tfjs');
    expect(report.attempts[0]).toMatchObject({ name: 'onnxruntime-cpu', ok: false });
    expect(report.attempts[0]!.detail).toMatch(/onnxruntime could not run .* refused/);
  });

  it('uses TF.js when asked, and when TF.js has a GPU and onnxruntime only the CPU', async () => {
    const asked = await choose({ TRANSFER_STUDIO_FEATURE_ENGINE: 'tfjs' });
    expect(asked.report.chosen).toBe('tfjs');
    const gpu = await choose({}, { tfjsUsesGpu: true });
    expect(gpu.report.chosen).toBe('tfjs');
    expect(gpu.report.attempts.find((a) => a.name === 'onnxruntime-cpu')!.detail).toMatch(
      /GPU here, which is faster/,
    );
  });

  it('tells the doctor which engine computes features here', async () => {
    const report = await probeFeatureEngines();
    expect(report.chosen).toBe('onnxruntime-cpu');
    expect(report.description).toMatch(/^onnxruntime .*CPU/);
  });
});

describe('fallback mid-run', () => {
  it('hands the failed batch and the rest to TF.js, says so once, and loses no image', async () => {
    const { engine, notices } = await choose({ [ORT_FAULT_ENV]: 'run-after:1' });
    const table = await buildFeatureTable(engine, [[7, 7, 256]], items, {
      ...testTableOptions({ batchSize: 1 }),
    });
    expect((engine as FallbackEngine).fellBack).toBe(true);
    expect(engine.kind).toBe('tfjs');
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/onnxruntime .* failed .*run-after:1.*going on with TensorFlow\.js/);
    expect(table.items.length).toBe(items.length);
    const reference = await buildFeatureTable(
      new TfjsFeatureEngine(graph, shape),
      [[7, 7, 256]],
      items,
      testTableOptions(),
    );
    expect(maxDiff(await rowsOf(table), await rowsOf(reference))).toBeLessThan(1e-4);
  });

  it('a run says so in its log and completes', async () => {
    const runs = new RunStore(path.join(dir, 'runs'));
    const job = await createHymenopteraJob(runs, {
      config: { epochs: 1, batchSize: 8 },
      trainPerClass: 4,
      valPerClass: 2,
    });
    const messages: WorkerMessage[] = [];
    const summary = await runTrainJob(job, {
      emit: (message) => messages.push(message),
      cancel: new CancelSignal(),
      env: { ...process.env, [ORT_FAULT_ENV]: 'run-after:0' },
    });
    expect(summary.status).toBe('completed');
    const phases = messages.flatMap((m) => (m.type === 'phase' ? [m.message ?? ''] : []));
    expect(phases).toContainEqual(expect.stringMatching(/^Features computed by onnxruntime/));
    expect(phases).toContainEqual(
      expect.stringMatching(/onnxruntime .* failed .* going on with TensorFlow\.js/),
    );
    expect(phases).toContainEqual(expect.stringMatching(/^Features of 8 training images/));
  });
});

describe('cancel and the cache key', () => {
  for (const kind of ['onnxruntime', 'tfjs'] as const) {
    it(`cancel mid-extraction stops at the batch in flight: ${kind}`, async () => {
      const { engine } = await choose({ TRANSFER_STUDIO_FEATURE_ENGINE: kind });
      expect(engine.kind).toBe(kind);
      const cancel = new CancelSignal();
      let runs = 0;
      const counting: FeatureEngine = {
        kind: engine.kind,
        description: engine.description,
        shape: engine.shape,
        run: async (pixels, count) => {
          runs += 1;
          const values = await engine.run(pixels, count);
          cancel.cancel();
          return values;
        },
        dispose: () => engine.dispose(),
      };
      const building = buildFeatureTable(counting, [[7, 7, 256]], items, {
        ...testTableOptions({ batchSize: 1, cancel }),
      });
      await expect(building).rejects.toBeInstanceOf(CancelledError);
      expect(runs).toBe(1);
    });
  }

  it('rows cached by onnxruntime are reused by TF.js (the engine is not in the key)', async () => {
    const cacheDir = path.join(dir, 'cache');
    const { engine } = await choose();
    const byOrt = await buildFeatureTable(engine, [[7, 7, 256]], items, {
      ...testTableOptions({ cacheDir }),
    });
    expect(byOrt.stats.computedImages).toBe(items.length);
    const tfjs = new TfjsFeatureEngine(graph, shape);
    const reused = await buildFeatureTable(tfjs, [[7, 7, 256]], items, {
      ...testTableOptions({ cacheDir }),
    });
    expect(reused.stats.computedImages).toBe(0);
    const fresh = await buildFeatureTable(tfjs, [[7, 7, 256]], items, testTableOptions());
    expect(maxDiff(await rowsOf(reused), await rowsOf(fresh))).toBeLessThan(1e-4);
    expect(await rowsOf(reused)).toEqual(await rowsOf(byOrt));
  });

  it('makes no engine when every row comes from the cache, and one when an image is new', async () => {
    const cacheDir = path.join(dir, 'lazy-cache');
    let made = 0;
    const lazy = () =>
      new LazyFeatureEngine(shape, async () => {
        made += 1;
        return (await choose()).engine;
      });
    const first = lazy();
    await buildFeatureTable(first, [[7, 7, 256]], items.slice(0, 2), {
      ...testTableOptions({ cacheDir }),
    });
    expect(first.isMade).toBe(true);
    const cached = lazy();
    const table = await buildFeatureTable(cached, [[7, 7, 256]], items.slice(0, 2), {
      ...testTableOptions({ cacheDir }),
    });
    expect(table.stats.reusedImages).toBe(2);
    expect(cached.isMade).toBe(false);
    expect(made).toBe(1);
    await Promise.all([first.dispose(), cached.dispose(), table.dispose()]);
  });
});
