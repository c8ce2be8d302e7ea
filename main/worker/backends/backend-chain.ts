/**
 * Picks the TF.js backend the worker trains on: the best one that loads, in the order of
 * `backendChain`, unless the job or TRANSFER_STUDIO_BACKEND names one. Every attempt is
 * reported (what failed and how to fix it), so the UI and the run can say why a faster backend
 * was not used.
 */
import * as tf from '@tensorflow/tfjs';
import {
  BackendChoice,
  type BackendAttempt,
  type BackendName,
  type BackendReport,
} from '../../../shared/domain';
import { firstLine, type LoadResult } from './backend-loader';
import { loadCpu, loadWasm } from './js-loaders';
import { loadTfjsNode, loadTfjsNodeGpu } from './native-loaders';
import { loadPipNative } from './pip-native';

export interface BackendCandidate {
  /** The backend this candidate provides. */
  name: BackendName;
  /** Also tried when the user asks for one of these (a pip build may use the GPU). */
  alsoServes?: BackendName[];
  /** Loads the backend and makes it the active TF.js backend, or says why it cannot. */
  load: () => Promise<LoadResult & { usesGpu?: boolean }>;
}

/** The order backends are tried in. Add a loader here to add a backend. */
export const backendChain: readonly BackendCandidate[] = [
  { name: 'tensorflow-gpu', load: loadTfjsNodeGpu },
  { name: 'tensorflow', load: loadTfjsNode },
  { name: 'tensorflow', alsoServes: ['tensorflow-gpu'], load: () => loadPipNative() },
  { name: 'wasm', load: loadWasm },
  { name: 'cpu', load: loadCpu },
];

/** Thrown when no backend could be loaded; carries the report of every attempt. */
export class BackendUnavailableError extends Error {
  constructor(
    message: string,
    readonly attempts: BackendAttempt[],
  ) {
    super(message);
    this.name = 'BackendUnavailableError';
  }
}

/**
 * The backend to use: the job's choice when it names one, else TRANSFER_STUDIO_BACKEND, else
 * 'auto'. An unknown value in the environment is ignored with a warning (returned).
 */
export function resolveBackendChoice(
  fromJob: BackendChoice,
  env: NodeJS.ProcessEnv = process.env,
): { choice: BackendChoice; warning?: string } {
  if (fromJob !== 'auto') return { choice: fromJob };
  const fromEnv = env.TRANSFER_STUDIO_BACKEND?.trim();
  if (!fromEnv) return { choice: 'auto' };
  const parsed = BackendChoice.safeParse(fromEnv);
  if (parsed.success) return { choice: parsed.data };
  return {
    choice: 'auto',
    warning: `TRANSFER_STUDIO_BACKEND="${fromEnv}" is not one of auto, tensorflow-gpu, tensorflow, wasm, cpu; using auto.`,
  };
}

/** A tiny computation, so a backend that registers but cannot run is not chosen. */
async function smokeTest(): Promise<void> {
  const sum = tf.tidy(() => tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])));
  const values = await sum.data();
  sum.dispose();
  if (values[0] !== 4 || values[1] !== 6) {
    throw new Error(`computed [${Array.from(values).join(', ')}] for [1,2]+[3,4]`);
  }
}

/**
 * Loads the first backend of the chain that works (only those serving `choice` when it is not
 * 'auto') and returns the report. Throws BackendUnavailableError when none loads.
 */
export async function selectBackend(
  choice: BackendChoice,
  chain: readonly BackendCandidate[] = backendChain,
): Promise<BackendReport> {
  const candidates =
    choice === 'auto'
      ? chain
      : chain.filter((c) => c.name === choice || c.alsoServes?.includes(choice));
  const attempts: BackendAttempt[] = [];
  for (const candidate of candidates) {
    let result: LoadResult & { usesGpu?: boolean };
    try {
      result = await candidate.load();
    } catch (error) {
      result = {
        ok: false,
        detail: `failed to load: ${firstLine(error)}`,
        fix: 'see the worker log',
      };
    }
    if (!result.ok) {
      attempts.push({ name: candidate.name, ok: false, detail: result.detail, fix: result.fix });
      continue;
    }
    const name: BackendName = result.usesGpu ? 'tensorflow-gpu' : candidate.name;
    try {
      // A native loader registers 'tensorflow'; make sure it is the active one.
      if (name.startsWith('tensorflow') && tf.getBackend() !== 'tensorflow') {
        await tf.setBackend('tensorflow');
      }
      await smokeTest();
    } catch (error) {
      attempts.push({
        name,
        ok: false,
        detail: `loaded but could not compute: ${firstLine(error)}`,
        fix: 'choose another backend, or report this with the worker log',
      });
      continue;
    }
    attempts.push({ name, ok: true, detail: result.description });
    return {
      chosen: name,
      description: result.description,
      attempts,
      tfjsVersion: tf.version.tfjs,
    };
  }
  const tried = attempts.map((a) => `${a.name}: ${a.detail} (fix: ${a.fix})`).join('; ');
  const message =
    choice === 'auto'
      ? `No TensorFlow.js backend could be loaded. ${tried}`
      : `The ${choice} backend was requested but did not load. ${tried}. Choose "auto" to ` +
        'train on the best backend that loads.';
  throw new BackendUnavailableError(message, attempts);
}
