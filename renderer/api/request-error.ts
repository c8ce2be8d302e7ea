import type { ErrorPayload } from '../../shared/contract';

/** A failed request, carrying the service's code and "what to do" message. */
export class StudioRequestError extends Error {
  readonly code: ErrorPayload['code'] | 'disconnected';
  readonly issues: string[];

  constructor(payload: { code: StudioRequestError['code']; message: string; issues?: string[] }) {
    super(payload.message);
    this.name = 'StudioRequestError';
    this.code = payload.code;
    this.issues = payload.issues ?? [];
  }
}

/** The text to show for any thrown value. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    // Electron prefixes rejected invokes with "Error invoking remote method '…': Error: ".
    return error.message.replace(/^Error invoking remote method '[^']+': (\w*Error: )?/, '');
  }
  return String(error);
}
