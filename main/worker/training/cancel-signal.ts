/** Thrown out of the training loop when the user cancels; the run ends as 'cancelled'. */
export class CancelledError extends Error {
  constructor() {
    super('Training was cancelled.');
    this.name = 'CancelledError';
  }
}

/** Set by the 'cancel' command, checked by the loops between batches. */
export class CancelSignal {
  private cancelledAt: number | undefined;

  cancel(): void {
    this.cancelledAt ??= Date.now();
  }

  get cancelled(): boolean {
    return this.cancelledAt !== undefined;
  }

  throwIfCancelled(): void {
    if (this.cancelled) throw new CancelledError();
  }
}
