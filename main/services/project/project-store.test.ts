import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultTrainSettings } from '../../../shared/recipe';
import type { Project } from '../../../shared/project';
import { PROJECT_FILE, ProjectStore } from './project-store';

let dataDir: string;
beforeEach(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-project-'));
});
afterEach(async () => {
  await fs.rm(dataDir, { recursive: true, force: true });
});

const project = (roots: string[]): Project => ({
  version: 1,
  datasetRoots: roots,
  model: { catalogId: 'mobilenet_v1_0.25_224' },
  featureLayer: null,
  freeze: { mode: 'custom', trainableLayers: ['conv_pw_13', 'conv_pw_13_bn'] },
  advancedLayers: false,
  trainParams: { epochs: '7', earlyStopping: false },
  augmentation: defaultTrainSettings.augmentation,
});

describe('ProjectStore', () => {
  it('starts empty, keeps a saved project and reports the folders that vanished since', async () => {
    const store = new ProjectStore(path.join(dataDir, 'data'));
    expect(await store.load()).toEqual({ project: null, missingRoots: [], problem: null });
    const kept = path.join(dataDir, 'ants-bees');
    const gone = path.join(dataDir, 'flowers');
    await fs.mkdir(kept);
    await fs.mkdir(gone);
    await store.save(project([kept, gone]));
    expect(await store.load()).toEqual({
      project: project([kept, gone]),
      missingRoots: [],
      problem: null,
    });
    await fs.rm(gone, { recursive: true });
    expect(await store.load()).toEqual({
      project: project([kept]),
      missingRoots: [gone],
      problem: null,
    });
  });

  it('says in words when the saved project cannot be read, and starts afresh', async () => {
    const store = new ProjectStore(dataDir);
    await fs.writeFile(path.join(dataDir, PROJECT_FILE), '{"version": 1, "datasetRoots": 3');
    const broken = await store.load();
    expect(broken.project).toBeNull();
    expect(broken.problem).toMatch(/could not be read .* starts with an empty one/);
    await fs.writeFile(path.join(dataDir, PROJECT_FILE), JSON.stringify({ version: 9 }));
    expect((await store.load()).problem).toMatch(/not a project of this version/);
  });
});
