import { describe, expect, it } from 'vitest';
import { toWorkerExit } from './utility-exit';

describe('toWorkerExit', () => {
  it('reports a clean exit as exited', () => {
    expect(toWorkerExit(0, { reason: 'clean-exit', exitCode: 0 }, false)).toEqual({
      code: 0,
      signal: null,
      reason: 'exited',
    });
    expect(toWorkerExit(0, undefined, false).reason).toBe('exited');
  });

  it('names crashes and out-of-memory ends from the child-process-gone reason', () => {
    expect(toWorkerExit(11, { reason: 'crashed', exitCode: 11 }, false).reason).toBe(
      'crashed (exit code 11)',
    );
    expect(toWorkerExit(9, { reason: 'oom', exitCode: 9 }, false).reason).toBe('out of memory');
    expect(toWorkerExit(9, { reason: 'memory-eviction', exitCode: 9 }, false).reason).toBe(
      'out of memory',
    );
    expect(toWorkerExit(1, { reason: 'launch-failed', exitCode: 1 }, false).reason).toContain(
      'could not start',
    );
  });

  it('falls back to the exit code (and stderr) without gone details or for abnormal exits', () => {
    expect(toWorkerExit(3, { reason: 'abnormal-exit', exitCode: 3 }, false).reason).toBe(
      'crashed (exit code 3)',
    );
    expect(toWorkerExit(134, undefined, false, 'FATAL ERROR: heap out of memory\n').reason).toMatch(
      /^out of memory/,
    );
  });

  it('appends the last stderr lines to explain a crash', () => {
    const exit = toWorkerExit(
      11,
      { reason: 'crashed', exitCode: 11 },
      false,
      'a\nb\nc\nSegfault\n',
    );
    expect(exit.reason).toBe('crashed (exit code 11): b | c | Segfault');
  });

  it('says the studio stopped it when the supervisor killed it, whatever Electron reports', () => {
    expect(toWorkerExit(15, { reason: 'killed', exitCode: 15 }, true).reason).toBe(
      'stopped by the studio',
    );
  });

  it('passes an unknown future reason through rather than losing it', () => {
    expect(toWorkerExit(1, { reason: 'some-new-reason', exitCode: 1 }, false).reason).toBe(
      'some-new-reason',
    );
  });
});
