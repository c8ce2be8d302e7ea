import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLayersModelFromDir } from '../../services/models/load-layers-model';
import { renderExportReadme, type ExportReadmeOptions } from './export-readme';
import { preprocessExpression, tfjsPreprocessChain } from './export-snippets';
import { tfjsPredictor } from './export-verification';
import {
  decodeImage,
  MOBILENET_PREPROCESSING,
  teachableMachineDir,
  validationImages,
} from './test-support/fixtures';

const run = promisify(execFile);
const repoRoot = path.resolve(__dirname, '../../..');
const labels = ['no mask', 'mask', 'scissors', 'rock', 'paper'];

let work: string;
beforeAll(async () => {
  await tf.setBackend('wasm');
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-readme-'));
});
afterAll(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

function options(overrides: Partial<ExportReadmeOptions> = {}): ExportReadmeOptions {
  return {
    format: 'tfjs',
    modelName: 'Masks',
    labels,
    inputSize: { height: 224, width: 224 },
    preprocessing: MOBILENET_PREPROCESSING,
    modelFile: 'model.json',
    labelsFile: 'labels.json',
    ...overrides,
  };
}

function codeBlocks(markdown: string, language: string): string[] {
  const pattern = new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g');
  return [...markdown.matchAll(pattern)].map((match) => match[1]!);
}

describe('renderExportReadme', () => {
  it("TF.js README's Node.js snippet loads a real TF.js export and prints its prediction", async () => {
    // A TF.js export folder: the fixture model's files plus labels.json (copied to a temp dir).
    const exportDir = path.join(work, 'tfjs-export');
    await fs.mkdir(exportDir);
    for (const name of ['model.json', 'weights.bin']) {
      await fs.copyFile(path.join(teachableMachineDir, name), path.join(exportDir, name));
    }
    await fs.writeFile(path.join(exportDir, 'labels.json'), JSON.stringify(labels));
    const readme = renderExportReadme(options());
    expect(codeBlocks(readme, 'python')).toEqual([]);
    const [snippet] = codeBlocks(readme, 'js');
    const script = path.join(work, 'predict-tfjs.cjs');
    await fs.writeFile(script, snippet!);
    const image = (await validationImages())[0]!.file;
    const { stdout } = await run(
      process.execPath,
      [script, path.join(exportDir, 'model.json'), image],
      { env: { ...process.env, NODE_PATH: path.join(repoRoot, 'node_modules') }, timeout: 120_000 },
    );
    const [top] = stdout
      .trim()
      .split('\n')
      .map((line) => line.split('\t'));

    const model = await loadLayersModelFromDir(teachableMachineDir);
    const probabilities = await tfjsPredictor(model)(await decodeImage(image), 1);
    const best = probabilities.indexOf(Math.max(...probabilities));
    expect(top![0]).toBe(labels[best]);
    expect(Number(top![1])).toBeCloseTo(probabilities[best]!, 4);
  });

  it('states the input contract and the verification numbers', () => {
    const readme = renderExportReadme(
      options({
        format: 'onnx',
        modelFile: 'model.onnx',
        verification: { samples: 153, accuracy: 0.9019, maxProbDiff: 6.7e-6 },
      }),
    );
    expect(readme).toContain('# Masks — ONNX, opset 13');
    expect(readme).toContain('**Input** `input`: float32, shape `[batch, 224, 224, 3]`');
    expect(readme).toContain('(NHWC)');
    expect(readme).toContain('`v / 127.5 - 1`');
    expect(readme).toContain('shape `[batch, 5]`');
    expect(readme).toContain(
      'Validation images: 153; accuracy: 90.2%; largest probability difference: 6.70e-6.',
    );
    expect(codeBlocks(readme, 'js')[0]).toContain("require('onnxruntime-node')");
    expect(codeBlocks(readme, 'python')[0]).toContain('x = x / 127.5 - 1');
  });

  it('TF.js README: a web page that loads the folder with labels from metadata.json, and the TM/ml5 loaders', () => {
    const readme = renderExportReadme(options());
    expect(readme).toContain('- `metadata.json` — class names, image size and preprocessing');
    const [page] = codeBlocks(readme, 'html');
    expect(page).toContain("tf.loadLayersModel('model.json')");
    expect(page).toContain("await fetch('metadata.json')");
    expect(page).toContain(
      'tf.browser.fromPixels(canvas).toFloat().div(127.5).sub(1).expandDims(0)',
    );
    expect(page).toContain('const HEIGHT = 224;');
    // The page's script parses (the e2e runs it in Chromium against a real export).
    const script = /<script>\n([\s\S]*?)<\/script>/.exec(page!)![1]!;
    expect(() => new Function(script)).not.toThrow();
    expect(script).toContain("join('\\n')");
    expect(readme).toContain("tmImage.load('model.json', 'metadata.json')");
    expect(readme).toContain("ml5.imageClassifier('path/to/model.json')");
  });

  it('escapes labels and shortens long label lists', () => {
    const many = Array.from({ length: 60 }, (_, i) => (i === 0 ? '*bold* <b>' : `class ${i}`));
    const readme = renderExportReadme(options({ labels: many }));
    expect(readme).toContain('0. \\*bold\\* \\<b\\>');
    expect(readme).toContain('49. class 49');
    expect(readme).not.toContain('50. class 50');
    expect(readme).toContain('… and 10 more (see the labels file).');
  });
});

describe('preprocessExpression', () => {
  it('writes scale and offset the way people write them', () => {
    expect(preprocessExpression('v', 1 / 127.5, -1)).toBe('v / 127.5 - 1');
    expect(preprocessExpression('v', 1 / 255, 0)).toBe('v / 255');
    expect(preprocessExpression('x', 0.3, 0.25)).toBe('x * 0.3 + 0.25');
    expect(preprocessExpression('x', 1, -128)).toBe('x - 128');
  });

  it('writes the same as TF.js tensor methods', () => {
    expect(tfjsPreprocessChain(1 / 127.5, -1)).toBe('.div(127.5).sub(1)');
    expect(tfjsPreprocessChain(1 / 255, 0)).toBe('.div(255)');
    expect(tfjsPreprocessChain(0.3, 0.25)).toBe('.mul(0.3).add(0.25)');
    expect(tfjsPreprocessChain(1, 0)).toBe('');
  });
});
