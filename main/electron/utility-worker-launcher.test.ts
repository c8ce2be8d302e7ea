/**
 * The utility-process launcher against a stand-in for 'electron' (no Electron binary runs
 * here): fork options, the per-run metrics channel handed to worker and window before the
 * job, and how an exit is reported with and without Electron's child-process-gone details.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TrainJob } from '../../shared/worker-protocol';
import type { WorkerExit } from '../services/training/worker-launcher';
import {
  FakeUtilityProcess,
  FakeWebContents,
  type FakeElectron,
} from './test-support/fake-electron';

const fake: FakeElectron = vi.hoisted(() => ({}) as FakeElectron);
vi.mock('electron', async () => {
  const { createFakeElectron: create } = await import('./test-support/fake-electron');
  Object.assign(fake, create({ userData: '/tmp/unused' }));
  return fake.electron;
});

const { createUtilityWorkerLauncher } = await import('./utility-worker-launcher');

const job = { runId: 'run-7' } as TrainJob;

describe('createUtilityWorkerLauncher', () => {
  let target: FakeWebContents | null;
  let launcher: ReturnType<typeof createUtilityWorkerLauncher>;

  beforeEach(() => {
    target = new FakeWebContents();
    launcher = createUtilityWorkerLauncher({
      workerPath: '/app/dist/main/worker.cjs',
      metricsTarget: () => target as unknown as Electron.WebContents | null,
    });
  });
  afterEach(() => {
    launcher.dispose();
    vi.useRealTimers();
  });

  it('forks the worker bundle as a named utility process with the given env', () => {
    const handle = launcher.launch({ env: { TRANSFER_STUDIO_BACKEND: 'wasm' } });
    const child = FakeUtilityProcess.forked.at(-1)!;
    expect(child.modulePath).toBe('/app/dist/main/worker.cjs');
    expect(child.options.env).toEqual({ TRANSFER_STUDIO_BACKEND: 'wasm' });
    expect(child.options.serviceName).toMatch(/^Transfer Studio training \d+$/);
    expect(handle.pid).toBe(4242);
    launcher.launch({});
    expect(FakeUtilityProcess.forked.at(-1)!.options.serviceName).not.toBe(
      child.options.serviceName,
    );
  });

  it('hands one end of a fresh channel to the worker and the other to the window before the job', () => {
    const handle = launcher.launch({});
    const child = FakeUtilityProcess.forked.at(-1)!;
    handle.send({ type: 'train', job });
    expect(child.posted.map((p) => p.message)).toEqual([{ type: 'port' }, { type: 'train', job }]);
    expect(child.posted[0]!.ports).toHaveLength(1);
    expect(target!.posted).toHaveLength(1);
    expect(target!.posted[0]).toMatchObject({
      channel: 'training-port',
      message: { runId: 'run-7' },
    });
    expect(target!.posted[0]!.ports).toHaveLength(1);
    expect(target!.posted[0]!.ports[0]).not.toBe(child.posted[0]!.ports[0]);
  });

  it('sends other commands without a channel, and a job without one when no window is open', () => {
    const handle = launcher.launch({});
    const child = FakeUtilityProcess.forked.at(-1)!;
    handle.send({ type: 'doctor', backend: 'auto' });
    target = null;
    handle.send({ type: 'train', job });
    expect(child.posted.map((p) => (p.message as { type: string }).type)).toEqual([
      'doctor',
      'train',
    ]);
  });

  it('relays worker messages', () => {
    const handle = launcher.launch({});
    const child = FakeUtilityProcess.forked.at(-1)!;
    const received: unknown[] = [];
    handle.onMessage((message) => received.push(message));
    child.emit('message', { type: 'phase', phase: 'caching' });
    expect(received).toEqual([{ type: 'phase', phase: 'caching' }]);
  });

  it('reports an out-of-memory end from child-process-gone, whichever event comes first', () => {
    for (const order of ['gone-first', 'exit-first'] as const) {
      const handle = launcher.launch({});
      const child = FakeUtilityProcess.forked.at(-1)!;
      const exits: WorkerExit[] = [];
      handle.onExit((exit) => exits.push(exit));
      const gone = () =>
        fake.app.emit(
          'child-process-gone',
          {},
          {
            type: 'Utility',
            reason: 'oom',
            exitCode: 9,
            name: child.options.serviceName,
          },
        );
      if (order === 'gone-first') gone();
      child.emit('exit', 9);
      if (order === 'exit-first') gone();
      expect(exits, order).toEqual([{ code: 9, signal: null, reason: 'out of memory' }]);
    }
  });

  it('reports an exit without gone details after a grace period, with the stderr tail', () => {
    vi.useFakeTimers();
    const handle = launcher.launch({});
    const child = FakeUtilityProcess.forked.at(-1)!;
    const exits: WorkerExit[] = [];
    handle.onExit((exit) => exits.push(exit));
    child.stderr.emit('data', Buffer.from('Error: the model folder is gone\n'));
    child.emit('exit', 1);
    expect(exits).toEqual([]);
    vi.runAllTimers();
    expect(exits).toEqual([
      { code: 1, signal: null, reason: 'crashed (exit code 1): Error: the model folder is gone' },
    ]);
    const late: WorkerExit[] = [];
    handle.onExit((exit) => late.push(exit));
    expect(late).toEqual(exits);
  });

  it('says the studio stopped a worker it killed, and kills only once', () => {
    const handle = launcher.launch({});
    const child = FakeUtilityProcess.forked.at(-1)!;
    const exits: WorkerExit[] = [];
    handle.onExit((exit) => exits.push(exit));
    handle.kill();
    expect(child.killed).toBe(true);
    child.emit('exit', 15);
    expect(exits).toEqual([{ code: 15, signal: null, reason: 'stopped by the studio' }]);
    child.killed = false;
    handle.kill();
    expect(child.killed).toBe(false);
  });

  it('ignores gone details of other processes', () => {
    vi.useFakeTimers();
    const handle = launcher.launch({});
    const child = FakeUtilityProcess.forked.at(-1)!;
    const exits: WorkerExit[] = [];
    handle.onExit((exit) => exits.push(exit));
    fake.app.emit('child-process-gone', {}, { type: 'GPU', reason: 'crashed', exitCode: 1 });
    fake.app.emit(
      'child-process-gone',
      {},
      {
        type: 'Utility',
        reason: 'crashed',
        exitCode: 1,
        name: 'Audio Service',
      },
    );
    child.emit('exit', 0);
    vi.runAllTimers();
    expect(exits).toEqual([{ code: 0, signal: null, reason: 'exited' }]);
  });
});
