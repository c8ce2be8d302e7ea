/**
 * README.md for an export folder: what the files are, the exact input the model expects, the
 * class names, how the export was checked, and complete programs that load and run it.
 */
import type { ExportFormat } from '../../../shared/export-types';
import {
  onnxNodeSnippet,
  onnxPythonSnippet,
  preprocessExpression,
  tflitePythonSnippet,
  tfjsBrowserSnippet,
  tfjsNodeSnippet,
  type SnippetOptions,
} from './export-snippets';

/** metadata.json of a TF.js export: labels and image size as Teachable Machine writes them. */
export const TFJS_METADATA_FILE = 'metadata.json';

export type ExportReadmeFormat = ExportFormat;

export interface ExportReadmeOptions {
  format: ExportReadmeFormat;
  /** Shown as the title, e.g. the run name. */
  modelName: string;
  labels: string[];
  inputSize: { height: number; width: number };
  preprocessing: { scale: number; offset: number };
  /** 'model.onnx' or 'model.json'. */
  modelFile: string;
  /** JSON array of class names beside the model. */
  labelsFile: string;
  /** Outcome of the verification run, when known at the time of writing. */
  verification?: { samples: number; accuracy: number | null; maxProbDiff: number | null };
}

/** Escapes characters that would change the meaning of a label in Markdown. */
function markdownText(text: string): string {
  return text.replace(/[\\`*_[\]<>]/g, (c) => `\\${c}`);
}

function labelList(labels: string[]): string {
  const shown = labels.slice(0, 50).map((label, index) => `${index}. ${markdownText(label)}`);
  if (labels.length > shown.length)
    shown.push(`… and ${labels.length - shown.length} more (see the labels file).`);
  return shown.join('\n');
}

function inputSection(options: ExportReadmeOptions): string {
  const { height, width } = options.inputSize;
  const { scale, offset } = options.preprocessing;
  const onnx = options.format !== 'tfjs';
  const int8 = options.format === 'tflite-int8';
  const int8Note = int8
    ? `\n- **int8**: the file takes int8 input and gives int8 output. Quantize the preprocessed value
  \`x\` as \`round(x / scale + zero_point)\` and read a probability as \`(q - zero_point) * scale\`, with
  the scale and zero point the interpreter reports (also in \`export-manifest.json\`).`
    : '';
  return `## Input and output

- **Input**${onnx ? ' `input`' : ''}: ${int8 ? 'int8 (see below)' : 'float32'}, shape \`[batch, ${height}, ${width}, 3]\`, channels last
  (NHWC) — the same layout as the studio's TF.js model.
- **Preprocessing**: decode the image as RGB (apply its EXIF rotation), resize it to *cover*
  ${width}×${height} (scale until both sides fit, then crop the centre), then turn each channel
  value \`v\` in 0–255 into \`${preprocessExpression('v', scale, offset)}\`. Other image libraries
  resample slightly differently from the studio (sharp, Lanczos-3), so expect small differences
  in the probabilities.
- **Output**${onnx ? ' `probabilities`' : ''}: float32, shape \`[batch, ${options.labels.length}]\`, one
  probability per class, in the order of \`${options.labelsFile}\`${onnx ? " (also stored in the model's metadata under `labels`)" : ''}.${int8Note}`;
}

function verificationSection(options: ExportReadmeOptions): string {
  const runtime = {
    onnx: 'onnxruntime-node',
    tfjs: 'plain @tensorflow/tfjs',
    tflite: "Google's LiteRT interpreter (ai-edge-litert)",
    'tflite-int8':
      "Google's LiteRT interpreter (ai-edge-litert); int8 passes when its accuracy is at most 1 point below the studio's",
  }[options.format];
  const lines = [
    '## How it was checked',
    '',
    `After writing, the export was loaded back in ${runtime} and the whole validation split was run`,
    "through it and through the studio's own model. `export-manifest.json` records the accuracy of",
    'the exported file, the largest difference in class probabilities, the runtime versions and a',
    'sha256 for every file.',
  ];
  const v = options.verification;
  if (v) {
    const accuracy = v.accuracy === null ? 'n/a' : `${(v.accuracy * 100).toFixed(1)}%`;
    const diff = v.maxProbDiff === null ? 'n/a' : v.maxProbDiff.toExponential(2);
    lines.push(
      '',
      `Validation images: ${v.samples}; accuracy: ${accuracy}; largest probability difference: ${diff}.`,
    );
  }
  return lines.join('\n');
}

function codeSection(options: ExportReadmeOptions): string {
  const snippet: SnippetOptions = {
    height: options.inputSize.height,
    width: options.inputSize.width,
    preprocessing: options.preprocessing,
    labelsFile: options.labelsFile,
  };
  if (options.format === 'tfjs') {
    return `## Run it in a web page (@tensorflow/tfjs)

\`\`\`html
${tfjsBrowserSnippet({ ...snippet, metadataFile: TFJS_METADATA_FILE })}\`\`\`

\`${TFJS_METADATA_FILE}\` follows Teachable Machine's format, so its libraries load the folder too:
\`await tmImage.load('model.json', 'metadata.json')\` (@teachablemachine/image) or
\`ml5.imageClassifier('path/to/model.json')\` (ml5 reads the labels from \`${TFJS_METADATA_FILE}\` beside
it). Teachable Machine's loader scales pixels as \`v / 127 - 1\`, within 1% of the studio's
preprocessing, so its probabilities can differ slightly from the studio's.

## Run it with JavaScript (Node.js, @tensorflow/tfjs)

\`\`\`js
${tfjsNodeSnippet(snippet)}\`\`\``;
  }
  if (options.format === 'tflite' || options.format === 'tflite-int8') {
    return `## Run it with Python (LiteRT)

\`\`\`python
${tflitePythonSnippet({ ...snippet, modelFile: options.modelFile })}\`\`\`

On Android use the LiteRT (TensorFlow Lite) Interpreter with the same input; on iOS, LiteRT's
Swift \`Interpreter\`; on microcontrollers (int8), LiteRT for Microcontrollers with the file as a C
array (\`xxd -i ${options.modelFile}\`). Labels and preprocessing are also stored in the file's
metadata (\`labels\`, \`preprocessing\`).`;
  }
  return `## Run it with JavaScript (Node.js, onnxruntime-node)

\`\`\`js
${onnxNodeSnippet(snippet)}\`\`\`

## Run it with Python (onnxruntime)

\`\`\`python
${onnxPythonSnippet(snippet)}\`\`\``;
}

/** The README.md text of an export folder. */
export function renderExportReadme(options: ExportReadmeOptions): string {
  const what = {
    onnx: 'ONNX, opset 13',
    tfjs: 'TensorFlow.js layers model',
    tflite: 'TensorFlow Lite, float32',
    'tflite-int8': 'TensorFlow Lite, full-integer int8',
  }[options.format];
  const files =
    options.format !== 'tfjs'
      ? `- \`${options.modelFile}\` — the model (${what})`
      : `- \`${options.modelFile}\` and the weight files it lists — the model (${what})\n` +
        `- \`${TFJS_METADATA_FILE}\` — class names, image size and preprocessing, in Teachable Machine's format`;
  return `# ${markdownText(options.modelName)} — ${what}

An image classifier exported by Transfer Studio.

${files}
- \`${options.labelsFile}\` — the class names, in output order
- \`export-manifest.json\` — checksums, runtime versions and the verification result

${inputSection(options)}

## Classes

${labelList(options.labels)}

${verificationSection(options)}

${codeSection(options)}
`;
}
