import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { WorkerMessage } from '../../../shared/worker-protocol';
import { readMetricsLines } from '../../services/runs/run-files';
import { RunRecorder } from './run-recorder';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

describe('RunRecorder', () => {
  it('sends every epoch’s last batch however fast the epochs go, and writes every batch', async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-recorder-'));
    const messages: WorkerMessage[] = [];
    // The clock never moves: epochs on cached features end well within the send interval.
    const recorder = new RunRecorder(
      dir,
      (message) => messages.push(message),
      () => 1000,
    );
    for (const epoch of [1, 2, 3]) {
      for (const batch of [1, 2, 3]) {
        recorder.batch({ epoch, batch, batches: 3, loss: 1 / (epoch * batch), accuracy: 0.5 });
      }
    }
    const sent = messages.flatMap((m) =>
      m.type === 'batch' ? [[m.batch.epoch, m.batch.batch]] : [],
    );
    expect(sent).toEqual([
      [1, 1],
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
    expect((await readMetricsLines(dir)).filter((line) => line.type === 'batch')).toHaveLength(9);
  });
});
