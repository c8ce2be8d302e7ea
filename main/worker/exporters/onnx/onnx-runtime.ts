/**
 * Loading an exported .onnx file back in onnxruntime-node (CPU) for the verification run.
 * onnxruntime-node is required lazily so that importing the exporters never loads the native
 * binding unless an ONNX export actually runs.
 */
import type { InferenceSession } from 'onnxruntime-node';
import type { Predictor } from '../export-verification';
import { ONNX_INPUT_NAME, ONNX_OUTPUT_NAME } from './convert-to-onnx';

type Ort = typeof import('onnxruntime-node');

let ortModule: Promise<Ort> | undefined;

/** The onnxruntime-node module, with a clear error when its native binding cannot load. */
export async function loadOnnxRuntime(): Promise<Ort> {
  ortModule ??= import('onnxruntime-node').catch((error: unknown) => {
    ortModule = undefined;
    throw new Error(
      `onnxruntime-node could not be loaded (${(error as Error).message}), so the ONNX export cannot ` +
        'be verified. Reinstall the app, or run `npm install` in the checkout.',
    );
  });
  return ortModule;
}

/** Runtime versions to record in the export manifest. */
export async function onnxRuntimeVersions(): Promise<Record<string, string>> {
  const ort = await loadOnnxRuntime();
  return { 'onnxruntime-node': ort.env.versions.node ?? ort.env.versions.common };
}

export interface OnnxPredictor {
  predict: Predictor;
  session: InferenceSession;
  release(): Promise<void>;
}

/**
 * Opens `model` (a path or the file's bytes) in onnxruntime-node and returns a predictor for
 * NHWC float32 images of `inputShape` = [height, width, channels].
 */
export async function createOnnxPredictor(
  model: string | Uint8Array,
  inputShape: [number, number, number],
): Promise<OnnxPredictor> {
  const ort = await loadOnnxRuntime();
  const options: InferenceSession.SessionOptions = {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
  };
  const session =
    typeof model === 'string'
      ? await ort.InferenceSession.create(model, options)
      : await ort.InferenceSession.create(model, options);
  const predict: Predictor = async (images, count) => {
    const input = new ort.Tensor('float32', images, [count, ...inputShape]);
    const outputs = await session.run({ [ONNX_INPUT_NAME]: input });
    const output = outputs[ONNX_OUTPUT_NAME];
    if (!output || output.type !== 'float32') {
      throw new Error(`The ONNX model has no float32 output named "${ONNX_OUTPUT_NAME}".`);
    }
    return Float32Array.from(output.data as Float32Array);
  };
  return { predict, session, release: () => session.release() };
}
