/**
 * The frozen part on onnxruntime-node: converted in memory to ONNX (the export's own lowering,
 * BatchNorm folded) and run on the best execution provider that loads here. onnxruntime uses
 * every core for one batch (intra-op threads = cores), so it needs no feature threads.
 *
 * Execution providers: the CPU one ships in the npm package. CUDA (Linux x64) needs files the
 * package's install script downloads (never run here: installs stay offline), CoreML exists on
 * macOS, DirectML on Windows. Each is tried by opening a session on it alone; one that does not
 * load is reported with why and what a user can do.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import type { InferenceSession } from 'onnxruntime-node';
import { convertFrozenPartToOnnx } from '../exporters/onnx/convert-frozen-part';
import { firstLine } from '../backends/backend-loader';
import type { EngineShape, FeatureEngine } from './feature-engine';

type Ort = typeof import('onnxruntime-node');

export type OrtProvider = 'cuda' | 'coreml' | 'dml' | 'cpu';

/**
 * Fault injection for tests and support: TRANSFER_STUDIO_ORT_FAULT=load makes onnxruntime fail
 * to load; =run-after:N makes the (N+1)th batch fail, as if onnxruntime died mid-run.
 */
export const ORT_FAULT_ENV = 'TRANSFER_STUDIO_ORT_FAULT';

export interface ProviderAttempt {
  provider: OrtProvider;
  ok: boolean;
  detail: string;
  /** What a user can do to make it load. */
  fix?: string;
}

const providerTitle: Record<OrtProvider, string> = {
  cuda: 'CUDA (NVIDIA GPU)',
  coreml: 'CoreML (Apple)',
  dml: 'DirectML (Windows GPU)',
  cpu: 'CPU',
};

/** The accelerators onnxruntime-node has on a platform, best first; CPU always comes last. */
export function providerCandidates(
  platform: NodeJS.Platform = process.platform,
  arch: string = process.arch,
): OrtProvider[] {
  if (platform === 'linux' && arch === 'x64') return ['cuda', 'cpu'];
  if (platform === 'darwin') return ['coreml', 'cpu'];
  if (platform === 'win32') return ['dml', 'cpu'];
  return ['cpu'];
}

let ortModule: Promise<Ort> | undefined;

/** onnxruntime-node, loaded on first use (its native binding is large). */
export async function loadOrt(env: NodeJS.ProcessEnv = process.env): Promise<Ort> {
  if (env[ORT_FAULT_ENV] === 'load') {
    throw new Error(`onnxruntime-node was refused by ${ORT_FAULT_ENV}=load`);
  }
  ortModule ??= import('onnxruntime-node').then(
    (ort) => {
      // Providers that do not load are reported by the studio (with what to do); onnxruntime's
      // own error log would print the same failure again to the terminal.
      ort.env.logLevel = 'fatal';
      return ort;
    },
    (error: unknown) => {
      ortModule = undefined;
      throw error;
    },
  );
  return ortModule;
}

/** Where onnxruntime-node's native files are (its CUDA files would sit beside them). */
function bindingDir(): string | undefined {
  try {
    const root = path.dirname(require.resolve('onnxruntime-node/package.json'));
    return path.join(root, 'bin', 'napi-v6', process.platform, process.arch);
  } catch {
    return undefined;
  }
}

/** Why a provider did not load, in words for a user, and what to do about it. */
function providerFailure(provider: OrtProvider, error: unknown): ProviderAttempt {
  const detail = firstLine(error);
  if (provider === 'cuda') {
    const dir = bindingDir();
    const missing = dir && !existsSync(path.join(dir, 'libonnxruntime_providers_cuda.so'));
    return {
      provider,
      ok: false,
      detail: missing
        ? 'the CUDA files of onnxruntime are not installed (they are downloaded separately, ' +
          'not shipped with the app)'
        : `did not load: ${detail}`,
      fix: missing
        ? 'on a computer with an NVIDIA GPU and internet access, reinstall the app with its ' +
          'GPU files (see the README, "GPU feature extraction"); it also needs the NVIDIA ' +
          'driver with CUDA 12 and cuDNN 9'
        : 'install the NVIDIA driver with CUDA 12 and cuDNN 9, then restart the app',
    };
  }
  return {
    provider,
    ok: false,
    detail: `did not load: ${detail}`,
    fix:
      provider === 'cpu'
        ? 'reinstall the app; features are computed with TensorFlow.js meanwhile'
        : 'update the operating system and its graphics driver',
  };
}

export function sessionOptions(
  provider: OrtProvider,
  threads: number,
): InferenceSession.SessionOptions {
  return {
    // An accelerator leaves the ops it lacks to the CPU.
    executionProviders: provider === 'cpu' ? ['cpu'] : [provider, 'cpu'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
  };
}

/**
 * Tries each provider on `model` (the ONNX bytes), best first, until one opens a session.
 * An accelerator is tried alone first, so one that cannot load is not hidden by the CPU.
 */
export async function openOrtSession(
  ort: Ort,
  model: Uint8Array,
  options: { threads: number; providers?: OrtProvider[] },
): Promise<{ session?: InferenceSession; provider?: OrtProvider; attempts: ProviderAttempt[] }> {
  const attempts: ProviderAttempt[] = [];
  for (const provider of options.providers ?? providerCandidates()) {
    try {
      if (provider !== 'cpu') {
        const alone = await ort.InferenceSession.create(model, {
          executionProviders: [provider],
          // Its failure is reported here; onnxruntime's own error log would only repeat it.
          logSeverityLevel: 4,
        });
        await alone.release();
      }
      const session = await ort.InferenceSession.create(
        model,
        sessionOptions(provider, options.threads),
      );
      const detail =
        provider === 'cpu' ? `CPU, ${options.threads} threads` : providerTitle[provider];
      attempts.push({ provider, ok: true, detail });
      return { session, provider, attempts };
    } catch (error) {
      attempts.push(providerFailure(provider, error));
    }
  }
  return { attempts };
}

/** The frozen part run by onnxruntime-node. */
export class OrtFeatureEngine implements FeatureEngine {
  readonly kind = 'onnxruntime' as const;
  private batches = 0;
  private released = false;

  private constructor(
    private readonly ort: Ort,
    private readonly session: InferenceSession,
    private readonly outputNames: string[],
    readonly shape: EngineShape,
    readonly provider: OrtProvider,
    readonly description: string,
    private readonly failAfter: number | undefined,
  ) {}

  /**
   * Converts `frozen` and opens it on the best provider. Answers the engine (none when no
   * provider loads) and every provider tried; throws when onnxruntime or the conversion fails.
   */
  static async create(
    frozen: tf.LayersModel,
    shape: EngineShape,
    options: { env?: NodeJS.ProcessEnv; providers?: OrtProvider[]; threads?: number } = {},
  ): Promise<{ engine?: OrtFeatureEngine; attempts: ProviderAttempt[] }> {
    const env = options.env ?? process.env;
    const ort = await loadOrt(env);
    const onnx = convertFrozenPartToOnnx(frozen, { pool: shape.pool });
    const threads = options.threads ?? os.availableParallelism();
    const opened = await openOrtSession(ort, onnx.bytes, { threads, ...options });
    if (!opened.session) return { attempts: opened.attempts };
    const fault = /^run-after:(\d+)$/.exec(env[ORT_FAULT_ENV] ?? '');
    const description =
      `onnxruntime ${ort.env.versions.node ?? ort.env.versions.common} ` +
      `(${providerTitle[opened.provider!]}${opened.provider === 'cpu' ? `, ${threads} threads` : ''})`;
    const engine = new OrtFeatureEngine(
      ort,
      opened.session,
      onnx.outputNames,
      shape,
      opened.provider!,
      description,
      fault ? Number(fault[1]) : undefined,
    );
    return { engine, attempts: opened.attempts };
  }

  async run(pixels: Float32Array, count: number): Promise<Float32Array[]> {
    if (this.failAfter !== undefined && this.batches >= this.failAfter) {
      throw new Error(`onnxruntime stopped (${ORT_FAULT_ENV}=run-after:${this.failAfter})`);
    }
    this.batches += 1;
    const [height, width] = this.shape.size;
    const input = new this.ort.Tensor('float32', pixels, [count, height, width, 3]);
    const outputs = await this.session.run({ [this.session.inputNames[0]!]: input });
    return this.outputNames.map((name) => outputs[name]!.data as Float32Array);
  }

  /** Releases the session; a second call does nothing (a fallback and its owner may both ask). */
  async dispose(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.session.release();
  }
}
