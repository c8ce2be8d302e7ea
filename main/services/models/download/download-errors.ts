/**
 * Every way a model download fails, turned into one message that says what happened and what to
 * do: offline, server errors (404), dropped connections, checksum or size mismatches, a full
 * disk, cancellation.
 */
import type { CatalogEntry } from '../../../../shared/domain';
import { ServiceError } from '../../service-error';

type FailureKind = 'http' | 'checksum' | 'size' | 'dropped' | 'not-a-model';

/** A failure the downloader recognised itself, with the facts for the message. */
export class DownloadFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    readonly file: string,
    readonly facts: Record<string, string>,
  ) {
    super(`${kind}: ${file}`);
    this.name = 'DownloadFailure';
  }
}

const NETWORK_CODES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

function causeCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

const megabytes = (bytes: number) => `${Math.max(1, Math.ceil(bytes / 1e6))} MB`;

/** The ServiceError a failed download reports. */
export function describeFailure(
  error: unknown,
  context: { entry: CatalogEntry; url: string; modelsDir: string; signal: AbortSignal },
): ServiceError {
  const { entry, url, modelsDir } = context;
  const name = entry.name;
  const host = safeHost(url);
  const manual =
    `Or download model.json and its weight files from ${entry.url} yourself and put them in ` +
    `${modelsDir}/${entry.id}.`;
  if (context.signal.aborted || (error as Error | undefined)?.name === 'AbortError') {
    return new ServiceError('failed', `The download of ${name} was cancelled; nothing was kept.`);
  }
  if (error instanceof DownloadFailure) {
    const { file, facts } = error;
    switch (error.kind) {
      case 'http':
        return new ServiceError(
          'failed',
          facts.status === '404'
            ? `${host} has no ${file} for ${name} (404 Not Found at ${url}). The model may have ` +
                `moved: update the studio. ${manual}`
            : `${host} answered ${facts.status} ${facts.detail ?? ''} for ${file} of ${name}. ` +
                `Try again later. ${manual}`,
        );
      case 'checksum':
        return new ServiceError(
          'failed',
          `The downloaded ${file} of ${name} is not the published file (sha256 ${facts.actual?.slice(0, 12)}… ` +
            `instead of ${facts.expected?.slice(0, 12)}…): it was damaged or altered on the way. ` +
            'Nothing was kept; try again, on another network if it happens again.',
        );
      case 'size':
        return new ServiceError(
          'failed',
          `${name} arrived incomplete (${facts.actual} of ${facts.expected} bytes). Nothing was kept; try again.`,
        );
      case 'dropped':
        return new ServiceError(
          'failed',
          `The connection to ${host} dropped while downloading ${file} of ${name} (${facts.detail}). ` +
            'Nothing was kept; check the network and try again.',
        );
      case 'not-a-model':
        return new ServiceError(
          'failed',
          `${url} did not give a usable model: ${file} ${facts.detail}. ${manual}`,
        );
    }
  }
  const code = causeCode(error);
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new ServiceError(
      'failed',
      `The disk is full: ${name} needs about ${megabytes(entry.sizeBytes)} free in ${modelsDir}. ` +
        'Nothing was kept; free some space and try again.',
    );
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new ServiceError(
      'failed',
      `The studio may not write to ${modelsDir} (${code}). Choose a data folder you can write to ` +
        '(TRANSFER_STUDIO_DATA) and try again.',
    );
  }
  if (code && NETWORK_CODES.has(code)) {
    return new ServiceError(
      'failed',
      `Could not reach ${host} (${code}): this computer seems to be offline or the server is ` +
        `unreachable. Connect to the internet and try again. ${manual}`,
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  // fetch() says only "fetch failed"; the reason is in its cause.
  const cause = (error as { cause?: { message?: unknown } } | undefined)?.cause?.message;
  const detail = typeof cause === 'string' && cause !== message ? `${message} (${cause})` : message;
  return new ServiceError('failed', `Downloading ${name} failed: ${detail}. ${manual}`);
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
