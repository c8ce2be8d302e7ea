import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { WorkerMessage, type WorkerCommand } from '../../../shared/worker-protocol';
import { describeExit, nodeWorkerLauncher, resolveWorkerScript } from './node-worker-launcher';
import type { WorkerExit } from './worker-launcher';

describe('resolveWorkerScript', () => {
  it('finds dist/main/worker.cjs at the package root, or takes TRANSFER_STUDIO_WORKER', () => {
    const script = resolveWorkerScript({});
    expect(script.endsWith(path.join('dist', 'main', 'worker.cjs'))).toBe(true);
    expect(existsSync(script)).toBe(true);
    expect(resolveWorkerScript({ TRANSFER_STUDIO_WORKER: 'x/w.cjs' })).toBe(
      path.resolve('x/w.cjs'),
    );
  });
});

describe('describeExit', () => {
  it('names kills, crashes and out-of-memory deaths', () => {
    expect(describeExit(null, 'SIGKILL', false, '').reason).toMatch(/killed \(SIGKILL/);
    expect(describeExit(null, 'SIGKILL', true, '').reason).toBe('stopped by the studio');
    expect(describeExit(134, null, false, 'boom\nAbort here').reason).toBe(
      'crashed (exit code 134): boom | Abort here',
    );
    expect(
      describeExit(null, 'SIGABRT', false, 'FATAL ERROR: JavaScript heap out of memory').reason,
    ).toMatch(/^out of memory/);
  });
});

describe('the real worker process', () => {
  it('answers an invalid command with an error and keeps serving, then runs a doctor check', async () => {
    const worker = nodeWorkerLauncher({ env: process.env });
    const messages: WorkerMessage[] = [];
    const exited = new Promise<WorkerExit>((resolve) => worker.onExit(resolve));
    const answered = new Promise<void>((resolve) =>
      worker.onMessage((raw) => {
        messages.push(WorkerMessage.parse(raw));
        if (messages.some((m) => m.type === 'backend')) resolve();
      }),
    );
    worker.send({ type: 'train', job: { runId: 42 } } as unknown as WorkerCommand);
    worker.send({ type: 'doctor', backend: 'cpu' });
    await answered;
    expect(messages[0]).toMatchObject({
      type: 'error',
      message: expect.stringMatching(/invalid command: job\./),
    });
    expect(messages[1]).toMatchObject({ type: 'backend', report: { chosen: 'cpu' } });
    // The worker leaves by itself once its one job is done.
    expect((await exited).code).toBe(0);
  });
});
