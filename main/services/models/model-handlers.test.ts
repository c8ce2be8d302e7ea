/**
 * The freeze plan as main checks it before training (through the real services and dispatch):
 * a plan that splits a residual block is refused with the reason, a good plan is saved with the
 * run in model order. The worker is a recording stand-in here: only what main sends it matters.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkerCommand } from '../../../shared/worker-protocol';
import { dispatchRequest } from '../dispatch';
import { resolveStudioPaths } from '../paths';
import { RUN_FILES } from '../runs/run-files';
import { createStudioServices, type StudioServices } from '../studio-services';
import type { WorkerHandle } from '../training/worker-launcher';
import { fixtureModelsDir, hymenopteraDir } from './test-fixtures';

let dataDir: string;
let services: StudioServices;
const sent: WorkerCommand[] = [];

function recordingWorker(): WorkerHandle {
  return {
    pid: undefined,
    send: (command) => sent.push(command),
    onMessage: () => undefined,
    onExit: () => undefined,
    kill: () => undefined,
  };
}

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-model-handlers-'));
  services = createStudioServices({
    paths: resolveStudioPaths({
      TRANSFER_STUDIO_DATA: dataDir,
      TRANSFER_STUDIO_MODELS: fixtureModelsDir,
    }),
    shell: 'web',
    version: '0.0.0',
    emit: () => undefined,
    launchWorker: recordingWorker,
  });
});
afterAll(async () => {
  await fs.rm(dataDir, { recursive: true, force: true });
});

const config = (freeze: unknown, model = 'mobilenet_v2_0.35_224') => ({
  datasetRoots: [hymenopteraDir],
  model: { catalogId: model },
  freeze,
  epochs: 1,
  learningRate: 0.0001,
  batchSize: 8,
});

describe('training:start checks the freeze plan', () => {
  it('refuses a plan that splits a residual block, saying which and what to do', async () => {
    const reply = await dispatchRequest(
      services.handlers,
      'training:start',
      config({ mode: 'custom', trainableLayers: ['block_15_project', 'block_15_project_BN'] }),
    );
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error.code).toBe('invalid-request');
    expect(reply.error.message).toMatch(
      /freeze plan cannot run on MobileNetV2 0\.35 \(224\).*residual block block_15 would be split.*allow splitting/,
    );
    expect(sent.filter((c) => c.type === 'train')).toEqual([]);
  });

  it('refuses layers the base does not have', async () => {
    const reply = await dispatchRequest(
      services.handlers,
      'training:start',
      config({ mode: 'custom', trainableLayers: ['conv_preds'] }, 'mobilenet_v1_0.25_224'),
    );
    expect(reply.ok).toBe(false);
    if (!reply.ok) expect(reply.error.message).toMatch(/no layer named "conv_preds"/);
  });

  it('saves an accepted plan with the run, in model order, BatchNorm policy included', async () => {
    const reply = await dispatchRequest(
      services.handlers,
      'training:start',
      config({
        mode: 'custom',
        trainableLayers: [
          'block_15_project',
          'block_15_expand',
          'block_15_depthwise_BN',
          'block_15_expand_BN',
          'block_15_depthwise',
          'block_15_project_BN',
        ],
        bnPolicy: 'adapt',
      }),
    );
    expect(reply.ok).toBe(true);
    if (!reply.ok) return;
    const { dir } = reply.result as { dir: string };
    const saved = JSON.parse(await fs.readFile(path.join(dir, RUN_FILES.config), 'utf8')) as {
      freeze: unknown;
    };
    const expected = {
      mode: 'custom',
      trainableLayers: [
        'block_15_expand',
        'block_15_expand_BN',
        'block_15_depthwise',
        'block_15_depthwise_BN',
        'block_15_project',
        'block_15_project_BN',
      ],
      bnPolicy: 'adapt',
    };
    expect(saved.freeze).toEqual(expected);
    const train = sent.find((c) => c.type === 'train');
    expect(train?.type === 'train' && train.job.freeze).toEqual(expected);
  });
});
