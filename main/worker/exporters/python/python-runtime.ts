/**
 * Proofs in Python runtimes (LiteRT for TFLite, Keras 3 for .keras). They are optional on a
 * user's machine: scripts/setup-python-runtimes creates `.python-runtimes/` in the project
 * folder, or TRANSFER_STUDIO_PYTHON names a Python that has them. Without one, the export says
 * so and how to enable it (PythonRuntimeMissing), instead of pretending it was proven.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Predictor } from '../export-verification';
import { PYTHON_PREDICT_SCRIPT } from './python-predict-script';

export const PYTHON_SETUP_HINT =
  'Run scripts/setup-python-runtimes in the studio folder (or set TRANSFER_STUDIO_PYTHON to a ' +
  'Python 3.10+ with ai-edge-litert, keras, h5py, scipy, numpy and pillow) and export again';

/** Python of the proof runtimes, or undefined when none is set up. */
export function findPython(
  env: NodeJS.ProcessEnv = process.env,
  startDir: string = typeof __dirname === 'string' ? __dirname : process.cwd(),
): string | undefined {
  if (env.TRANSFER_STUDIO_PYTHON) return env.TRANSFER_STUDIO_PYTHON;
  const bin = process.platform === 'win32' ? 'Scripts/python.exe' : 'bin/python';
  for (let dir = path.resolve(startDir); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, '.python-runtimes', bin);
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** The Python runtime could not be started: the proof did not run (not a failed proof). */
export class PythonRuntimeMissing extends Error {
  constructor(what: string, reason: string) {
    super(`${what} could not run here (${reason}). ${PYTHON_SETUP_HINT}.`);
    this.name = 'PythonRuntimeMissing';
  }
}

export interface PythonPredictor {
  predict: Predictor;
  runtime: string;
  versions: Record<string, string>;
  release(): Promise<void>;
}

/** Reads length-prefixed frames from the server's stdout, one per request, in order. */
function frameReader(child: ChildProcessWithoutNullStreams): () => Promise<Buffer> {
  let pending = Buffer.alloc(0);
  const waiting: { resolve(frame: Buffer): void; reject(error: Error): void }[] = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  child.stdout.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 4 && pending.length >= 4 + pending.readUInt32LE(0)) {
      const size = pending.readUInt32LE(0);
      waiting.shift()?.resolve(pending.subarray(4, 4 + size));
      pending = pending.subarray(4 + size);
    }
  });
  const fail = (reason: string): void => {
    for (const waiter of waiting.splice(0)) waiter.reject(new Error(`${reason} ${stderr.trim()}`));
  };
  child.once('exit', (code) => fail(`the Python runtime exited (code ${code}).`));
  child.once('error', (error) => fail(error.message));
  return () => new Promise((resolve, reject) => waiting.push({ resolve, reject }));
}

/**
 * Starts the Python runtime on `modelFile` ('tflite' or 'keras') for NHWC float32 images of
 * [height, width, 3]. Throws PythonRuntimeMissing when no Python runtime is set up or it lacks
 * the package; any other error means the runtime rejected the file.
 */
export async function openPythonPredictor(
  kind: 'tflite' | 'keras',
  modelFile: string,
  [height, width]: [number, number],
  env: NodeJS.ProcessEnv = process.env,
): Promise<PythonPredictor> {
  const what = kind === 'tflite' ? 'The LiteRT proof' : 'The Keras 3 proof';
  const python = findPython(env);
  if (!python) throw new PythonRuntimeMissing(what, 'no Python runtime is set up');
  const child = spawn(
    python,
    ['-u', '-c', PYTHON_PREDICT_SCRIPT, kind, modelFile, `${height}`, `${width}`],
    {
      env: { ...env, KERAS_BACKEND: env.KERAS_BACKEND ?? 'jax', PYTHONIOENCODING: 'utf-8' },
    },
  );
  const next = frameReader(child);
  let hello: { ok: boolean; error?: string; runtime?: string; versions?: Record<string, string> };
  try {
    hello = JSON.parse((await next()).toString('utf8')) as typeof hello;
  } catch (error) {
    child.kill();
    throw new PythonRuntimeMissing(what, (error as Error).message);
  }
  if (!hello.ok) {
    child.kill();
    if (/ModuleNotFoundError|ImportError/.test(hello.error ?? '')) {
      throw new PythonRuntimeMissing(what, hello.error ?? 'a package is missing');
    }
    throw new Error(
      `${kind === 'tflite' ? 'LiteRT' : 'Keras 3'} could not load ${path.basename(modelFile)}: ${hello.error}`,
    );
  }
  const predict: Predictor = async (images, count) => {
    const head = Buffer.alloc(4);
    head.writeUInt32LE(count, 0);
    const reply = next();
    child.stdin.write(head);
    child.stdin.write(
      Buffer.from(images.buffer, images.byteOffset, count * height * width * 3 * 4),
    );
    const frame = await reply;
    return new Float32Array(
      frame.buffer.slice(frame.byteOffset, frame.byteOffset + frame.byteLength),
    );
  };
  return {
    predict,
    runtime: hello.runtime ?? kind,
    versions: hello.versions ?? {},
    release: async () => {
      child.stdin.end();
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill(), 5000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}
