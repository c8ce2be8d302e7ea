/** Schedules `callback` once; returns a handle for `cancel`. */
export type FrameScheduler = {
  request(callback: () => void): number;
  cancel(handle: number): void;
};

/**
 * The browser's animation frame, or a ~60 Hz timer where there is none (Node tests). Frames
 * pause in a hidden tab; the queue then waits and is applied in one go when the tab shows.
 */
export const animationFrameScheduler: FrameScheduler =
  typeof requestAnimationFrame === 'function'
    ? {
        request: (callback) => requestAnimationFrame(() => callback()),
        cancel: (handle) => cancelAnimationFrame(handle),
      }
    : {
        request: (callback) => setTimeout(callback, 16) as unknown as number,
        cancel: (handle) => clearTimeout(handle),
      };

/**
 * Collects items that arrive faster than the screen can show them (batch and epoch metrics)
 * and hands them over in one list per animation frame, so a burst of events costs one store
 * update and one render instead of one each.
 */
export class FrameCoalescer<T> {
  private queue: T[] = [];
  private handle: number | null = null;

  constructor(
    private readonly apply: (items: T[]) => void,
    private readonly scheduler: FrameScheduler = animationFrameScheduler,
  ) {}

  /** Items waiting for the next frame. */
  get pending(): number {
    return this.queue.length;
  }

  push(item: T): void {
    this.queue.push(item);
    if (this.handle === null) this.handle = this.scheduler.request(() => this.flush());
  }

  /**
   * Applies what is queued now, in arrival order. Called by the frame, and directly before an
   * event that must see every earlier item applied (the end of a run).
   */
  flush(): void {
    if (this.handle !== null) {
      this.scheduler.cancel(this.handle);
      this.handle = null;
    }
    if (this.queue.length === 0) return;
    const items = this.queue;
    this.queue = [];
    this.apply(items);
  }

  /** Drops what is queued (a new run starts) without applying it. */
  clear(): void {
    if (this.handle !== null) this.scheduler.cancel(this.handle);
    this.handle = null;
    this.queue = [];
  }
}
