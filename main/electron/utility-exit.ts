/**
 * Turns what Electron says about an ended utility process into the WorkerExit the training
 * supervisor records, in the same words the Node launcher uses. The 'exit' event only has a
 * code; the reason (crash, out of memory) comes separately, from app's 'child-process-gone'.
 */
import { describeExit } from '../services/training/node-worker-launcher';
import type { WorkerExit } from '../services/training/worker-launcher';

/** The fields of Electron's child-process-gone details that matter here. */
export interface ProcessGoneDetails {
  reason: string;
  exitCode: number;
}

function reasonFromElectron(gone: ProcessGoneDetails, code: number): string | undefined {
  switch (gone.reason) {
    case 'oom':
    case 'memory-eviction':
      return 'out of memory';
    case 'crashed':
      return `crashed (exit code ${code})`;
    case 'killed':
      return 'killed (ended by the system or another program)';
    case 'launch-failed':
      return 'could not start (the utility process failed to launch)';
    case 'integrity-failure':
      return 'could not start (code integrity check failed)';
    case 'clean-exit':
    case 'abnormal-exit':
      return undefined; // the exit code says it all
    default:
      return gone.reason;
  }
}

export function toWorkerExit(
  code: number,
  gone: ProcessGoneDetails | undefined,
  killedByUs: boolean,
  stderrTail = '',
): WorkerExit {
  const base = describeExit(code, null, killedByUs, stderrTail);
  if (killedByUs || !gone) return base;
  const specific = reasonFromElectron(gone, code);
  if (!specific) return base;
  const lastLines = stderrTail.trim().split('\n').slice(-3).join(' | ');
  return { ...base, reason: lastLines && code !== 0 ? `${specific}: ${lastLines}` : specific };
}
