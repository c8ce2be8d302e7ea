import { parseArgs, type ParseArgsConfig } from 'node:util';
import { dispatchRequest } from '../services/dispatch';
import type { RequestChannel, RequestOf, ResponseOf } from '../../shared/contract';
import type { CliContext } from './cli-context';

/** A mistake in how the command was called: printed with a pointer to --help. */
export class CliUsageError extends Error {}

export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: T,
) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliUsageError(error instanceof Error ? error.message : String(error));
  }
}

/** Parses a numeric flag, or explains what was wrong with it. */
export function numberFlag(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed))
    throw new CliUsageError(`--${name} must be a number, got "${value}".`);
  return parsed;
}

/** Runs a request through the same validation as the app's transports. */
export async function request<C extends RequestChannel>(
  ctx: CliContext,
  channel: C,
  payload: RequestOf<C>,
): Promise<ResponseOf<C>> {
  const reply = await dispatchRequest(ctx.services.handlers, channel, payload);
  if (!reply.ok) {
    const details = reply.error.issues?.length ? `\n  ${reply.error.issues.join('\n  ')}` : '';
    throw new Error(`${reply.error.message}${details}`);
  }
  return reply.result as ResponseOf<C>;
}
