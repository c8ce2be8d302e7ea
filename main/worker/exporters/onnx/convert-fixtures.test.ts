import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadLayersModelFromDir } from '../../../services/models/load-layers-model';
import { tfjsPredictor, verifyAgainstReference } from '../export-verification';
import {
  imageBatches,
  MOBILENET_PREPROCESSING,
  mobilenetV1Dir,
  teachableMachineDir,
  validationImages,
  type LabelledImage,
} from '../test-support/fixtures';
import { convertLayersModelToOnnx, ONNX_OPSET } from './convert-to-onnx';
import { decodeOnnxModel } from './decode-onnx';
import { createOnnxPredictor } from './onnx-runtime';

let val: LabelledImage[];
beforeAll(async () => {
  await tf.setBackend('wasm');
  val = await validationImages();
});

/** Runs the whole validation split through the model and its ONNX conversion. */
async function proveOnOnnx(
  model: tf.LayersModel,
  bytes: Uint8Array,
  labelOf?: (label: number) => number,
) {
  const onnx = await createOnnxPredictor(bytes, [224, 224, 3]);
  async function* batches() {
    for await (const batch of imageBatches(val, 16)) {
      yield { ...batch, labels: labelOf ? batch.labels.map(labelOf) : undefined };
    }
  }
  try {
    return await verifyAgainstReference({
      reference: tfjsPredictor(model),
      candidate: onnx.predict,
      batches: batches(),
    });
  } finally {
    await onnx.release();
  }
}

describe('MobileNet v1 0.25 with its ImageNet head', () => {
  it('converts to opset 13 with BatchNormalization folded away, NHWC input, labels in metadata', async () => {
    const model = await loadLayersModelFromDir(mobilenetV1Dir);
    const labels = Array.from({ length: 1000 }, (_, i) => `imagenet_${i}`);
    const conversion = convertLayersModelToOnnx(model, {
      labels,
      preprocessing: MOBILENET_PREPROCESSING,
    });
    const decoded = decodeOnnxModel(conversion.bytes);
    expect(decoded.opset).toBe(ONNX_OPSET);
    expect(decoded.inputs).toEqual([{ name: 'input', shape: ['batch', 224, 224, 3] }]);
    expect(decoded.outputs).toEqual([{ name: 'probabilities', shape: ['batch', 1000] }]);
    expect(JSON.parse(decoded.metadata['labels']!)).toEqual(labels);
    expect(decoded.metadata['input_layout']).toBe('NHWC');
    // 15 Conv2D + 13 DepthwiseConv2D; all 27 BatchNormalization layers folded into them.
    expect(conversion.opCounts['Conv']).toBe(28);
    expect(conversion.opCounts['BatchNormalization']).toBeUndefined();
    expect(conversion.opCounts['Softmax']).toBe(1);
    expect(decoded.opTypes).not.toContain('Dropout');
  });

  it('gives the same probabilities as TF.js on the whole hymenoptera validation split', async () => {
    const model = await loadLayersModelFromDir(mobilenetV1Dir);
    const labels = Array.from({ length: 1000 }, (_, i) => `imagenet_${i}`);
    const { bytes } = convertLayersModelToOnnx(model, {
      labels,
      preprocessing: MOBILENET_PREPROCESSING,
    });
    // ImageNet indices: 310 = ant, 309 = bee.
    const report = await proveOnOnnx(model, bytes, (label) => (label === 0 ? 310 : 309));
    console.info('mobilenet_v1 ONNX proof', JSON.stringify(report));
    expect(report.samples).toBe(153);
    expect(report.classes).toBe(1000);
    expect(report.maxProbDiff).toBeLessThan(1e-4);
    expect(report.predictionsChanged).toBe(0);
    expect(report.accuracy).toBe(report.referenceAccuracy);
    // SOURCE.txt of the fixture: top-1 ant 18/70 + bee 47/83 with TF.js.
    expect(report.accuracy).toBeCloseTo(65 / 153, 10);
    expect(report.passed).toBe(true);
  });
});

describe('Teachable Machine MobileNetV2 0.35 (nested Sequential > Sequential > Model)', () => {
  it('inlines the nested models and matches TF.js on the whole validation split', async () => {
    const model = await loadLayersModelFromDir(teachableMachineDir);
    const labels = ['no mask', 'mask', 'scissors', 'rock', 'paper'];
    const conversion = convertLayersModelToOnnx(model, {
      labels,
      preprocessing: MOBILENET_PREPROCESSING,
    });
    // 35 Conv2D + 17 DepthwiseConv2D; 52 BatchNormalization and 5 ZeroPadding2D folded in.
    expect(conversion.opCounts).toMatchObject({ Conv: 52, Add: 10, Gemm: 2, Transpose: 1 });
    expect(conversion.opCounts['Pad']).toBeUndefined();
    expect(conversion.opCounts['BatchNormalization']).toBeUndefined();
    expect(conversion.outputShape).toEqual(['batch', 5]);
    // Its head was trained on other classes, so only agreement is meaningful, not accuracy.
    const report = await proveOnOnnx(model, conversion.bytes);
    console.info('teachable machine ONNX proof', JSON.stringify(report));
    expect(report.samples).toBe(153);
    expect(report.classes).toBe(5);
    expect(report.accuracy).toBeNull();
    expect(report.maxProbDiff).toBeLessThan(1e-4);
    expect(report.predictionsChanged).toBe(0);
    expect(report.passed).toBe(true);
  });
});
