/**
 * The user's controls over a running job, set by worker commands and read by the fit loop
 * between batches: cancel (inherited), pause and resume, and extend by more epochs.
 */
import { CancelSignal } from './cancel-signal';

export class RunControl extends CancelSignal {
  private pausedSince: number | undefined;
  private pausedTotalMs = 0;
  private wake: (() => void) | undefined;
  private extraEpochs = 0;
  private planned: () => number = () => 0;

  /** Lets the job say how many epochs it plans in all (before pending extensions). */
  setPlanned(planned: () => number): void {
    this.planned = planned;
  }

  /** Epochs the run will have when it ends, as planned now (pending extensions included). */
  get epochsPlanned(): number {
    return this.planned() + this.extraEpochs;
  }

  get paused(): boolean {
    return this.pausedSince !== undefined;
  }

  /** Milliseconds spent paused so far (kept out of throughput and ETA). */
  get pausedMs(): number {
    return this.pausedTotalMs + (this.pausedSince ? Date.now() - this.pausedSince : 0);
  }

  pause(): boolean {
    if (this.paused || this.cancelled) return false;
    this.pausedSince = Date.now();
    return true;
  }

  resume(): boolean {
    if (!this.paused) return false;
    this.pausedTotalMs += Date.now() - this.pausedSince!;
    this.pausedSince = undefined;
    this.wake?.();
    return true;
  }

  override cancel(): void {
    super.cancel();
    // A paused run must notice the cancel at once.
    if (this.paused) this.resume();
  }

  /** Asks for `epochs` more epochs; the loop takes them with takeExtension(). */
  extend(epochs: number): void {
    this.extraEpochs += epochs;
  }

  /** Epochs asked for since the last call. */
  takeExtension(): number {
    const epochs = this.extraEpochs;
    this.extraEpochs = 0;
    return epochs;
  }

  /** Resolves at once when running, else when resumed or cancelled; then checks for cancel. */
  async waitWhilePaused(onPause?: () => void, onResume?: () => void): Promise<void> {
    if (this.paused) {
      onPause?.();
      while (this.paused) {
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
      this.wake = undefined;
      if (!this.cancelled) onResume?.();
    }
    this.throwIfCancelled();
  }
}
