import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { NATIVE_BROKEN_ADVICE, NATIVE_CPU_ADVICE } from './backend-advice';
import { firstLine } from './backend-loader';
import { installNativeFastGrads } from './native-fast-grads';

/**
 * The native TensorFlow backend built by scripts/build-native-tf: @tensorflow/tfjs-node's N-API
 * binding compiled against the TensorFlow wheel from pip, kept in the project-owned `.native/`
 * folder (or TRANSFER_STUDIO_NATIVE_DIR), outside node_modules.
 */

/** Where the build keeps tfjs-node's package (see scripts/build-native-tf). */
const PACKAGE_SUBDIR = 'tfjs-node';
/** node-pre-gyp's path for the N-API 8 build, the one tfjs-node's loader picks on Node >= 20. */
const BINDING_SUBPATH = path.join('lib', 'napi-v8', 'tfjs_binding.node');
const PROJECT_NAME = 'transfer-studio';

export type PipNativeResult =
  | {
      ok: true;
      /** e.g. "tensorflow (native, TF 2.21 from pip)". */
      description: string;
      /** Full version reported by the loaded library, e.g. "2.21.0". */
      tfVersion: string;
      /** Whether TensorFlow placed ops on a GPU (a --cuda build on a machine with one). */
      usesGpu: boolean;
      dir: string;
    }
  | { ok: false; detail: string; fix: string };

export interface PipNativeOptions {
  env?: NodeJS.ProcessEnv;
  /** Where the search for the project folder starts; defaults to this module's folder. */
  startDir?: string;
}

/**
 * The folder holding the build: TRANSFER_STUDIO_NATIVE_DIR, else `.native` in the nearest folder
 * above startDir that has one, else `.native` in the project root (which may not exist yet).
 * Undefined when startDir is not inside the project (a packaged app) and no override is set.
 */
export function findNativeDir(
  env: NodeJS.ProcessEnv = process.env,
  startDir: string = moduleDir(),
): string | undefined {
  if (env.TRANSFER_STUDIO_NATIVE_DIR) return path.resolve(env.TRANSFER_STUDIO_NATIVE_DIR);
  for (let dir = path.resolve(startDir); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, '.native');
    if (fs.existsSync(path.join(candidate, PACKAGE_SUBDIR))) return candidate;
    if (isProjectRoot(dir)) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/**
 * Loads the pip-built native backend if it exists, which registers the 'tensorflow' backend with
 * the project's tfjs-core (and, as tfjs-node does, makes it the active backend), and installs
 * the fused training kernels of native-fast-grads.ts. Never throws:
 * a missing or broken build comes back as { ok: false } with what to do about it.
 */
export async function loadPipNative(options: PipNativeOptions = {}): Promise<PipNativeResult> {
  const dir = findNativeDir(options.env ?? process.env, options.startDir ?? moduleDir());
  if (!dir) {
    return {
      ok: false,
      detail: 'not built: no project folder with a .native build was found',
      fix: NATIVE_CPU_ADVICE,
    };
  }
  const packageDir = path.join(dir, PACKAGE_SUBDIR);
  const bindingPath = path.join(packageDir, BINDING_SUBPATH);
  if (!fs.existsSync(bindingPath)) {
    return {
      ok: false,
      detail: `not built: no native TensorFlow build in ${dir}`,
      fix: NATIVE_CPU_ADVICE,
    };
  }
  const load = createRequire(path.join(dir, 'loader.js'));
  // A --cuda build would otherwise reserve all GPU memory up front (read when TF opens the GPU).
  process.env.TF_FORCE_GPU_ALLOW_GROWTH ??= 'true';
  // TensorFlow's INFO lines (CPU features, devices) would land in the worker's stderr on every
  // start; warnings and errors still show. Read when the library loads, so set it before.
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '1';
  try {
    // Linking the binding first turns a moved or deleted venv into a clear dlopen message,
    // before tfjs-node registers anything with tfjs-core.
    load(bindingPath);
    load(packageDir);
  } catch (error) {
    return {
      ok: false,
      detail: `the native TensorFlow build in ${dir} does not load: ${firstLine(error)}`,
      fix: NATIVE_BROKEN_ADVICE,
    };
  }
  const backend = tf.findBackend('tensorflow') as NativeBackend | null;
  if (!backend?.binding) {
    return {
      ok: false,
      detail: `the build in ${dir} registered its backend with another copy of @tensorflow/tfjs`,
      fix: NATIVE_BROKEN_ADVICE,
    };
  }
  installNativeFastGrads();
  const tfVersion = String(backend.binding.TF_Version);
  const usesGpu = Boolean(backend.isUsingGpuDevice);
  const shortVersion = tfVersion.split('.').slice(0, 2).join('.');
  return {
    ok: true,
    description: `tensorflow (native${usesGpu ? ' GPU' : ''}, TF ${shortVersion} from pip)`,
    tfVersion,
    usesGpu,
    dir,
  };
}

interface NativeBackend {
  binding?: { TF_Version: string };
  isUsingGpuDevice?: boolean;
}

function isProjectRoot(dir: string): boolean {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
      name?: unknown;
    };
    return pkg.name === PROJECT_NAME;
  } catch {
    return false;
  }
}

function moduleDir(): string {
  // The bundled worker is CommonJS (dist/main); under Vitest the module runner defines it too.
  return typeof __dirname === 'string' ? __dirname : process.cwd();
}
