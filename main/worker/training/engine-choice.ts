/**
 * Which engine computes a run's features: onnxruntime on the best execution provider that loads
 * (CUDA / CoreML / DirectML, else the CPU with every core), else TF.js on the worker's backend
 * (native → wasm → plain JS, as the backend chain chose). TF.js on a GPU beats onnxruntime on the
 * CPU, so then TF.js computes. TRANSFER_STUDIO_FEATURE_ENGINE=tfjs|onnxruntime overrides.
 *
 * An onnxruntime engine that fails mid-run hands over to TF.js for the batch that failed and
 * every later one (FallbackEngine): nothing is lost and the run says so once.
 */
import * as tf from '@tensorflow/tfjs';
import type {
  FeatureEngineAttempt,
  FeatureEngineName,
  FeatureEngineReport,
} from '../../../shared/domain';
import { firstLine } from '../backends/backend-loader';
import { TfjsFeatureEngine, type EngineShape, type FeatureEngine } from './feature-engine';
import { InferenceGraph } from './inference-graph';
import { OrtFeatureEngine, type OrtProvider, type ProviderAttempt } from './ort-engine';

export const FEATURE_ENGINE_ENV = 'TRANSFER_STUDIO_FEATURE_ENGINE';

export type EngineSetting = 'auto' | 'onnxruntime' | 'tfjs';

export function engineSetting(env: NodeJS.ProcessEnv = process.env): EngineSetting {
  const value = env[FEATURE_ENGINE_ENV]?.trim();
  return value === 'onnxruntime' || value === 'tfjs' ? value : 'auto';
}

const ortName = (provider: OrtProvider): FeatureEngineName => `onnxruntime-${provider}`;

const fromProvider = (attempt: ProviderAttempt): FeatureEngineAttempt => ({
  name: ortName(attempt.provider),
  ok: attempt.ok,
  detail: attempt.detail,
  ...(attempt.fix ? { fix: attempt.fix } : {}),
});

/** Runs `primary` until it fails once, then `fallback` (made on first need) from that batch on. */
export class FallbackEngine implements FeatureEngine {
  private backup: FeatureEngine | undefined;
  private failed = false;

  constructor(
    private readonly primary: FeatureEngine,
    private readonly fallback: () => FeatureEngine,
    private readonly onNotice: (message: string) => void,
  ) {}

  private get current(): FeatureEngine {
    return this.failed ? (this.backup ??= this.fallback()) : this.primary;
  }
  get kind() {
    return this.current.kind;
  }
  get description(): string {
    return this.current.description;
  }
  get shape(): EngineShape {
    return this.primary.shape;
  }
  /** True once the primary engine failed and the fallback computes. */
  get fellBack(): boolean {
    return this.failed;
  }

  async run(pixels: Float32Array, count: number): Promise<Float32Array[]> {
    if (!this.failed) {
      try {
        return await this.primary.run(pixels, count);
      } catch (error) {
        this.failed = true;
        await this.primary.dispose().catch(() => undefined);
        this.onNotice(
          `Feature extraction: ${this.primary.description} failed (${firstLine(error)}); ` +
            `going on with ${this.current.description}. No image is lost.`,
        );
      }
    }
    return this.current.run(pixels, count);
  }

  async dispose(): Promise<void> {
    if (!this.failed) await this.primary.dispose();
    await this.backup?.dispose();
  }
}

export interface EngineChoiceOptions {
  env?: NodeJS.ProcessEnv;
  /** TF.js trains on a GPU here (then it beats onnxruntime on the CPU). */
  tfjsUsesGpu?: boolean;
  /** Told when onnxruntime fails mid-run and TF.js takes over. */
  onNotice: (message: string) => void;
  /** Providers to try (default: those of this platform). */
  providers?: OrtProvider[];
}

/** onnxruntime's attempts, and its engine when it is the one to use. */
async function tryOrt(
  frozen: tf.LayersModel,
  shape: EngineShape,
  options: EngineChoiceOptions,
): Promise<{ engine?: OrtFeatureEngine; attempts: FeatureEngineAttempt[] }> {
  let created: Awaited<ReturnType<typeof OrtFeatureEngine.create>>;
  try {
    created = await OrtFeatureEngine.create(frozen, shape, {
      ...(options.env ? { env: options.env } : {}),
      ...(options.providers ? { providers: options.providers } : {}),
    });
  } catch (error) {
    const detail = `onnxruntime could not run the frozen layers: ${firstLine(error)}`;
    return { attempts: [{ name: 'onnxruntime-cpu', ok: false, detail }] };
  }
  const attempts = created.attempts.map(fromProvider);
  const engine = created.engine;
  if (engine && options.tfjsUsesGpu && engine.provider === 'cpu') {
    await engine.dispose();
    attempts.at(-1)!.ok = false;
    attempts.at(-1)!.detail = 'loads, but TensorFlow.js runs on the GPU here, which is faster';
    return { attempts };
  }
  return { ...(engine ? { engine } : {}), attempts };
}

/**
 * The engine for a run's frozen part (`tfjs` makes the TF.js one), with the report of every
 * engine considered. Never throws: TF.js is always there.
 */
export async function chooseFeatureEngine(
  frozen: tf.LayersModel,
  tfjs: () => FeatureEngine,
  shape: EngineShape,
  options: EngineChoiceOptions,
): Promise<{ engine: FeatureEngine; report: FeatureEngineReport }> {
  const setting = engineSetting(options.env);
  const ort: { engine?: FeatureEngine; attempts: FeatureEngineAttempt[] } =
    setting === 'tfjs'
      ? {
          attempts: [
            {
              name: 'onnxruntime-cpu',
              ok: false,
              detail: `not tried: ${FEATURE_ENGINE_ENV}=tfjs`,
              fix: `unset ${FEATURE_ENGINE_ENV}`,
            },
          ],
        }
      : await tryOrt(frozen, shape, options);
  const tfjsDetail = `TensorFlow.js (${tf.getBackend()})`;
  if (ort.engine) {
    const engine = new FallbackEngine(ort.engine, tfjs, options.onNotice);
    const chosen = ort.attempts.find((attempt) => attempt.ok)!.name;
    const attempts = [
      ...ort.attempts,
      { name: 'tfjs' as const, ok: true, detail: `${tfjsDetail}: used if onnxruntime fails` },
    ];
    return { engine, report: { chosen, description: ort.engine.description, attempts } };
  }
  const attempts = [...ort.attempts, { name: 'tfjs' as const, ok: true, detail: tfjsDetail }];
  return { engine: tfjs(), report: { chosen: 'tfjs', description: tfjsDetail, attempts } };
}

/**
 * The doctor's view: which engine would compute features on this machine, tried on a tiny
 * network (one convolution) since no base is loaded.
 */
export async function probeFeatureEngines(
  options: Omit<EngineChoiceOptions, 'onNotice'> = {},
): Promise<FeatureEngineReport> {
  const model = tf.sequential({
    layers: [tf.layers.conv2d({ inputShape: [8, 8, 3], filters: 4, kernelSize: 3 })],
  });
  const graph = InferenceGraph.fromModel(model);
  const shape = { size: [8, 8] as const, pool: true };
  try {
    const { engine, report } = await chooseFeatureEngine(
      model,
      () => new TfjsFeatureEngine(graph, shape),
      shape,
      { ...options, onNotice: () => {} },
    );
    try {
      // One batch, so an engine that loads but cannot compute is not reported as working.
      await engine.run(new Float32Array(8 * 8 * 3), 1);
    } finally {
      await engine.dispose();
    }
    return report;
  } finally {
    graph.dispose();
    model.dispose();
  }
}
