import { describe, expect, it } from 'vitest';
import {
  FrameCoalescer,
  animationFrameScheduler,
  type FrameScheduler,
} from './training-frame-coalescer';

/** A scheduler driven by the test: frames run only when `frame()` is called. */
function manualFrames() {
  const callbacks = new Map<number, () => void>();
  let next = 1;
  const scheduler: FrameScheduler = {
    request(callback) {
      callbacks.set(next, callback);
      return next++;
    },
    cancel(handle) {
      callbacks.delete(handle);
    },
  };
  return {
    scheduler,
    get requested() {
      return callbacks.size;
    },
    frame() {
      const due = [...callbacks.values()];
      callbacks.clear();
      for (const callback of due) callback();
    },
  };
}

describe('FrameCoalescer', () => {
  it('applies a burst of items once, in order, on the next frame', () => {
    const frames = manualFrames();
    const applied: number[][] = [];
    const coalescer = new FrameCoalescer<number>((items) => applied.push(items), frames.scheduler);
    for (let i = 0; i < 500; i += 1) coalescer.push(i);
    expect(applied).toEqual([]);
    expect(frames.requested).toBe(1);
    expect(coalescer.pending).toBe(500);
    frames.frame();
    expect(applied).toHaveLength(1);
    expect(applied[0]).toEqual(Array.from({ length: 500 }, (_, i) => i));
    expect(coalescer.pending).toBe(0);
  });

  it('asks for a new frame only after the previous one ran', () => {
    const frames = manualFrames();
    const applied: string[][] = [];
    const coalescer = new FrameCoalescer<string>((items) => applied.push(items), frames.scheduler);
    coalescer.push('a');
    coalescer.push('b');
    frames.frame();
    frames.frame(); // an idle frame applies nothing
    coalescer.push('c');
    expect(frames.requested).toBe(1);
    frames.frame();
    expect(applied).toEqual([['a', 'b'], ['c']]);
  });

  it('flushes synchronously on demand and cancels the pending frame', () => {
    const frames = manualFrames();
    const applied: number[][] = [];
    const coalescer = new FrameCoalescer<number>((items) => applied.push(items), frames.scheduler);
    coalescer.push(1);
    coalescer.push(2);
    coalescer.flush();
    expect(applied).toEqual([[1, 2]]);
    expect(frames.requested).toBe(0);
    coalescer.flush(); // nothing queued: nothing applied
    expect(applied).toHaveLength(1);
  });

  it('drops queued items on clear', () => {
    const frames = manualFrames();
    const applied: number[][] = [];
    const coalescer = new FrameCoalescer<number>((items) => applied.push(items), frames.scheduler);
    coalescer.push(1);
    coalescer.clear();
    frames.frame();
    coalescer.push(2);
    frames.frame();
    expect(applied).toEqual([[2]]);
  });

  it('falls back to a timer where there is no animation frame (Node)', async () => {
    const applied: number[][] = [];
    const coalescer = new FrameCoalescer<number>(
      (items) => applied.push(items),
      animationFrameScheduler,
    );
    coalescer.push(7);
    coalescer.push(8);
    expect(applied).toEqual([]);
    await new Promise<void>((resolve) => setTimeout(resolve, 50));
    expect(applied).toEqual([[7, 8]]);
  });
});
