import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TrainConfig } from '../../../shared/domain';
import { compareSettings } from './run-compare';
import { readRunDetails } from './run-details';
import { RUN_FILES } from './run-files';
import { sampleConfigInput, useTempRunStore } from './test-run-store';

const base = sampleConfigInput;
const dataset = {
  id: 'abcdef0123456789',
  fingerprint: 'f00dfeed',
  roots: ['/data/ants-bees'],
  layout: 'folder-per-class',
  splitSource: 'generated',
  train: 196,
  val: 49,
  excluded: 0,
  classes: [
    { name: 'ants', train: 99, val: 25 },
    { name: 'bees', train: 97, val: 24 },
  ],
};

const temp = useTempRunStore('ts-run-details-');

describe('readRunDetails', () => {
  it('shows why a crashed run failed, from run.json and the worker log', async () => {
    const run = await temp.store.create(TrainConfig.parse(base), {
      baseModel: 'MobileNet',
      labels: ['ants', 'bees'],
      dataset,
    });
    const phase = (name: string, message: string) =>
      `${JSON.stringify({ type: 'phase', time: new Date().toISOString(), phase: name, message })}\n`;
    await fs.appendFile(
      path.join(run.dir, RUN_FILES.metrics),
      phase('loading-model', 'Loading MobileNet') +
        phase('skipped-image', 'Skipped /data/ants-bees/ants/broken.jpg: it could not be decoded') +
        phase('failed', 'Out of memory while computing features'),
    );
    const summary = await temp.store.finishWithoutWorker(
      run.dir,
      'failed',
      'The training worker stopped unexpectedly (crashed (exit code 134)).',
    );
    const details = await readRunDetails(summary);
    expect(details.summary.error).toMatch(/stopped unexpectedly/);
    expect(details.failureLog).toEqual([
      'Skipped /data/ants-bees/ants/broken.jpg: it could not be decoded',
      'Out of memory while computing features',
    ]);
    expect(details.dataset).toEqual(dataset);
    expect(details.config?.freeze).toEqual(base.freeze);
    expect(details).toMatchObject({ hasEvaluation: false, hasModel: false, epochs: [] });
  });

  it('reads a run whose config.json is damaged, without settings', async () => {
    const run = await temp.store.create(TrainConfig.parse(base), {
      baseModel: 'M',
      labels: ['a', 'b'],
    });
    await fs.writeFile(path.join(run.dir, RUN_FILES.config), '{ not json');
    const details = await readRunDetails(run);
    expect(details.config).toBeNull();
    expect(details.dataset).toBeNull();
    expect(details.failureLog).toEqual([]);
  });
});

describe('compareSettings', () => {
  it('marks what changed, including nested settings, and keeps the run order', async () => {
    const first = await temp.store.create(TrainConfig.parse(base), {
      baseModel: 'M',
      labels: ['a', 'b'],
    });
    const second = await temp.store.create(
      TrainConfig.parse({
        ...base,
        learningRate: 0.01,
        freeze: { mode: 'custom', trainableLayers: ['conv_pw_13'] },
        earlyStopping: { enabled: true, patience: 3 },
      }),
      { baseModel: 'M', labels: ['a', 'b'], dataset: { ...dataset, excluded: 2 } },
    );
    const rows = compareSettings([await readRunDetails(first), await readRunDetails(second)]);
    const row = (name: string) => rows.find((r) => r.setting === name);
    expect(row('learningRate')).toEqual({
      setting: 'learningRate',
      values: ['0.001', '0.01'],
      differs: true,
    });
    expect(row('Freeze plan')?.values).toEqual([
      'base frozen (head only)',
      '1 base layer fine-tuned: conv_pw_13',
    ]);
    expect(row('earlyStopping.enabled')).toMatchObject({
      values: ['false', 'true'],
      differs: true,
    });
    expect(row('earlyStopping.patience')?.differs).toBe(true);
    expect(row('Excluded files')?.values).toEqual(['—', '2']);
    expect(row('batchSize')).toMatchObject({ values: ['16', '16'], differs: false });
    // Shown once, in the curated rows, not again as raw config fields.
    expect(row('datasetRoots')).toBeUndefined();
    expect(row('freeze.mode')).toBeUndefined();
  });
});
