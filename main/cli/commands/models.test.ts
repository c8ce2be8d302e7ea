/**
 * `transfer-studio models` as a user runs it (the built CLI, dist/main/cli.cjs, rebuilt by the
 * global setup): every catalog model with its licence, and which are on this machine.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalog } from '../../../shared/catalog';
import { CatalogItem } from '../../../shared/domain';
import { fixtureModelsDir } from '../../services/models/test-fixtures';

const run = promisify(execFile);
const cli = path.resolve(__dirname, '../../../dist/main/cli.cjs');
let temp: string;

function transferStudio(args: string[]) {
  return run(process.execPath, [cli, ...args], {
    env: { ...process.env, TRANSFER_STUDIO_MODELS: fixtureModelsDir, TRANSFER_STUDIO_DATA: temp },
  });
}

beforeAll(async () => {
  temp = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-cli-models-'));
});

afterAll(async () => {
  await fs.rm(temp, { recursive: true, force: true });
});

describe('transfer-studio models', () => {
  it('lists every catalog model with its licence and where it is on this machine', async () => {
    const { stdout } = await transferStudio(['models']);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/^id\s+name\s+size\s+feature layer\s+license\s+on this machine$/);
    const row = (id: string) => lines.find((line) => line.startsWith(`${id} `)) ?? '';
    expect(row('mobilenet_v1_0.25_224')).toMatch(
      /conv_pw_13_relu\s+Apache-2\.0\s+local: .*mobilenet_v1_0\.25_224$/,
    );
    // The Teachable Machine export holds the MobileNetV2 0.35 base.
    expect(row('mobilenet_v2_0.35_224')).toMatch(
      /out_relu\s+Apache-2\.0 \/ MIT\s+local: .*teachable_machine_mobilenet_v2_0\.35$/,
    );
    expect(row('mobilenet_v1_1.0_224')).toMatch(/Apache-2\.0\s+no \(transfer-studio models/);
    for (const entry of catalog) expect(row(entry.id)).not.toBe('');
    // The full licence of each weight source, once, below the table.
    expect(stdout).toContain(
      'License of mobilenet_v1: Apache-2.0 (Google, tensorflow/models MobileNet weights)',
    );
    expect(stdout).toMatch(/License of mobilenet_v2: Apache-2\.0 \/ MIT \(Keras Applications/);
  });

  it('--json carries the full licence of each model', async () => {
    const { stdout } = await transferStudio(['models', '--json']);
    const items = CatalogItem.array().parse(JSON.parse(stdout));
    expect(items.map((item) => item.id)).toEqual(catalog.map((entry) => entry.id));
    for (const item of items) expect(item.license).toMatch(/^Apache-2\.0/);
    expect(items.filter((item) => item.localDir).map((item) => item.id)).toEqual([
      'mobilenet_v1_0.25_224',
      'mobilenet_v2_0.35_224',
    ]);
  });
});
