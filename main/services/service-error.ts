import type { ErrorPayload } from '../../shared/contract';

/** An error the services raise on purpose, carried to the caller with its code. */
export class ServiceError extends Error {
  constructor(
    readonly code: ErrorPayload['code'],
    message: string,
    readonly issues?: string[],
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

export function toErrorPayload(error: unknown): ErrorPayload {
  if (error instanceof ServiceError) {
    return {
      code: error.code,
      message: error.message,
      ...(error.issues ? { issues: error.issues } : {}),
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'failed', message };
}
