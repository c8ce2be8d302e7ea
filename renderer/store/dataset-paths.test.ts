import { describe, expect, it } from 'vitest';
import type { DatasetSummary } from '../../shared/domain';
import { checkTypedPath, describeRefusal, refusedRoots } from './dataset-paths';

describe('checkTypedPath', () => {
  it('accepts absolute POSIX, Windows drive and UNC paths', () => {
    expect(checkTypedPath('/home/me/photos')).toBeNull();
    expect(checkTypedPath('C:\\Users\\me\\photos')).toBeNull();
    expect(checkTypedPath('d:/photos')).toBeNull();
    expect(checkTypedPath('\\\\server\\share\\photos')).toBeNull();
  });

  it('asks for a full path instead of a relative one or "~"', () => {
    expect(checkTypedPath('photos')).toContain('full path');
    expect(checkTypedPath('./photos')).toContain('full path');
    expect(checkTypedPath('~/photos/cats')).toContain('/home/you/photos/cats');
  });
});

describe('refusedRoots', () => {
  const summary = {
    problems: [
      { kind: 'vanished', path: '/data/gone', message: 'gone', action: 'put it back' },
      {
        kind: 'unreadable',
        path: '/data/locked',
        message: 'permission denied',
        action: 'grant access',
      },
      { kind: 'corrupt', path: '/data/ok/a.jpg', message: 'corrupt', action: 'remove it' },
    ],
  } as unknown as DatasetSummary;

  it('finds the root-level failures of the given folders only, trailing separators ignored', () => {
    expect(refusedRoots(summary, ['/data/gone/', '/data/ok']).map((p) => p.path)).toEqual([
      '/data/gone',
    ]);
    expect(refusedRoots(summary, ['/data/locked']).map((p) => p.kind)).toEqual(['unreadable']);
    expect(refusedRoots(summary, ['/data/ok/a.jpg'])).toEqual([]);
  });

  it('says what is wrong and what to do', () => {
    const text = describeRefusal(refusedRoots(summary, ['/data/gone', '/data/locked']));
    expect(text).toContain('There is no folder at /data/gone');
    expect(text).toContain('/data/locked: permission denied grant access');
  });
});
