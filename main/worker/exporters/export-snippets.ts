/**
 * Code samples for an export's README. Each is a complete program taking the model path and an
 * image path on the command line; the tests run the JavaScript ones for real and compile the
 * Python one, so they must stay self-contained.
 */

export interface SnippetOptions {
  height: number;
  width: number;
  preprocessing: { scale: number; offset: number };
  /** File holding the class names (JSON array), beside the model. */
  labelsFile: string;
}

function trim(value: number): string {
  return String(Number(value.toPrecision(12)));
}

/** `x * scale + offset` written the way people write it: `x / 127.5 - 1`. */
export function preprocessExpression(variable: string, scale: number, offset: number): string {
  const inverse = 1 / scale;
  const scaled =
    scale === 1
      ? variable
      : Math.abs(inverse - Math.round(inverse * 1e6) / 1e6) < 1e-9
        ? `${variable} / ${trim(inverse)}`
        : `${variable} * ${trim(scale)}`;
  if (offset === 0) return scaled;
  return offset < 0 ? `${scaled} - ${trim(-offset)}` : `${scaled} + ${trim(offset)}`;
}

function nodeImageLoader(options: SnippetOptions): string {
  const { scale, offset } = options.preprocessing;
  return `const HEIGHT = ${options.height};
const WIDTH = ${options.width};

// RGB, EXIF rotation applied, resized to cover WIDTH x HEIGHT (scale, then centre-crop),
// then each value v in [0, 255] becomes ${preprocessExpression('v', scale, offset)}. Layout NHWC.
async function loadImage(file) {
  const { data } = await sharp(file)
    .rotate()
    .resize(WIDTH, HEIGHT, { fit: 'cover' })
    .toColourspace('srgb')
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return Float32Array.from(data, (v) => ${preprocessExpression('v', scale, offset)});
}

function printTop(labels, probabilities) {
  const ranked = Array.from(probabilities, (p, i) => [labels[i], p]).sort((a, b) => b[1] - a[1]);
  for (const [label, p] of ranked.slice(0, 5)) console.log(\`\${label}\\t\${p.toFixed(6)}\`);
}`;
}

function nodeMain(usage: string, body: string, labelsFile: string): string {
  return `async function main() {
  const [modelPath, imagePath] = process.argv.slice(2);
  if (!modelPath || !imagePath) throw new Error('usage: ${usage}');
  const labelsPath = path.join(path.dirname(modelPath), '${labelsFile}');
  const labels = JSON.parse(fs.readFileSync(labelsPath, 'utf8'));
${body}
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});`;
}

/** Node.js + onnxruntime-node + sharp, CommonJS (save as predict.cjs). */
export function onnxNodeSnippet(options: SnippetOptions): string {
  const body = `  const session = await ort.InferenceSession.create(modelPath);
  const pixels = await loadImage(imagePath);
  const input = new ort.Tensor('float32', pixels, [1, HEIGHT, WIDTH, 3]);
  const { probabilities } = await session.run({ input });
  printTop(labels, probabilities.data);`;
  return `// npm install onnxruntime-node sharp
// usage: node predict.cjs model.onnx photo.jpg
const fs = require('node:fs');
const path = require('node:path');
const ort = require('onnxruntime-node');
const sharp = require('sharp');

${nodeImageLoader(options)}

${nodeMain('node predict.cjs model.onnx photo.jpg', body, options.labelsFile)}
`;
}

/** Node.js + plain @tensorflow/tfjs + sharp, CommonJS (save as predict.cjs). */
export function tfjsNodeSnippet(options: SnippetOptions): string {
  const body = `  const model = await loadModel(modelPath);
  const pixels = await loadImage(imagePath);
  const output = model.predict(tf.tensor4d(pixels, [1, HEIGHT, WIDTH, 3]));
  printTop(labels, await output.data());`;
  return `// npm install @tensorflow/tfjs sharp
// usage: node predict.cjs model.json photo.jpg
const fs = require('node:fs');
const path = require('node:path');
const tf = require('@tensorflow/tfjs');
const sharp = require('sharp');

// Plain @tensorflow/tfjs cannot open file:// URLs, so read model.json and its weight files
// ourselves (with @tensorflow/tfjs-node, tf.loadLayersModel('file://model.json') also works).
async function loadModel(modelJsonPath) {
  const dir = path.dirname(modelJsonPath);
  const json = JSON.parse(fs.readFileSync(modelJsonPath, 'utf8'));
  const weightSpecs = json.weightsManifest.flatMap((group) => group.weights);
  const shards = json.weightsManifest.flatMap((group) =>
    group.paths.map((file) => fs.readFileSync(path.join(dir, file))),
  );
  const weights = Buffer.concat(shards);
  const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength);
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData }));
}

${nodeImageLoader(options)}

${nodeMain('node predict.cjs model.json photo.jpg', body, options.labelsFile)}
`;
}

/** `x * scale + offset` as chained TF.js tensor methods: `.div(127.5).sub(1)`. */
export function tfjsPreprocessChain(scale: number, offset: number): string {
  const inverse = 1 / scale;
  const scaled =
    scale === 1
      ? ''
      : Math.abs(inverse - Math.round(inverse * 1e6) / 1e6) < 1e-9
        ? `.div(${trim(inverse)})`
        : `.mul(${trim(scale)})`;
  if (offset === 0) return scaled;
  return offset < 0 ? `${scaled}.sub(${trim(-offset)})` : `${scaled}.add(${trim(offset)})`;
}

/**
 * A web page that loads the export with @tensorflow/tfjs from a CDN and classifies photo.jpg
 * beside it, labels from metadata.json (as Teachable Machine's loader and ml5 read them).
 */
export function tfjsBrowserSnippet(options: SnippetOptions & { metadataFile: string }): string {
  const { scale, offset } = options.preprocessing;
  return `<!doctype html>
<meta charset="utf-8" />
<!-- Save as index.html in the export folder, put a photo.jpg beside it, serve the folder over
     HTTP (for example: npx http-server) and open the page. -->
<script src="https://cdn.jsdelivr.net/npm/@tensorflow/tfjs@4/dist/tf.min.js"></script>
<img id="photo" src="photo.jpg" alt="" width="224" />
<pre id="result">Classifying…</pre>
<script>
  const HEIGHT = ${options.height};
  const WIDTH = ${options.width};

  async function classify() {
    const model = await tf.loadLayersModel('model.json');
    const { labels } = await (await fetch('${options.metadataFile}')).json();
    const photo = document.getElementById('photo');
    await photo.decode();
    // Resize to cover WIDTH x HEIGHT and crop the centre, as the studio does.
    const canvas = document.createElement('canvas');
    canvas.width = WIDTH;
    canvas.height = HEIGHT;
    const scale = Math.max(WIDTH / photo.naturalWidth, HEIGHT / photo.naturalHeight);
    const width = photo.naturalWidth * scale;
    const height = photo.naturalHeight * scale;
    const context = canvas.getContext('2d');
    context.imageSmoothingQuality = 'high';
    context.drawImage(photo, (WIDTH - width) / 2, (HEIGHT - height) / 2, width, height);
    // Each channel value v in [0, 255] becomes ${preprocessExpression('v', scale, offset)}; layout NHWC.
    const input = tf.tidy(() =>
      tf.browser.fromPixels(canvas).toFloat()${tfjsPreprocessChain(scale, offset)}.expandDims(0),
    );
    const probabilities = await model.predict(input).data();
    input.dispose();
    const ranked = Array.from(probabilities, (p, i) => [labels[i], p]).sort((a, b) => b[1] - a[1]);
    document.getElementById('result').textContent = ranked
      .slice(0, 5)
      .map(([label, p]) => \`\${label}\\t\${p.toFixed(6)}\`)
      .join('\\n');
  }

  classify().catch((error) => {
    document.getElementById('result').textContent = \`Error: \${error.message}\`;
  });
</script>
`;
}

/** The Python programs' image loading: the studio's crop, resize and scaling, as NHWC float32. */
function pythonLoadImage(options: SnippetOptions): string {
  const { scale, offset } = options.preprocessing;
  return `HEIGHT, WIDTH = ${options.height}, ${options.width}


def load_image(path):
    """RGB, EXIF rotation applied, resized to cover WIDTH x HEIGHT (scale, then centre-crop)."""
    image = ImageOps.exif_transpose(Image.open(path)).convert("RGB")
    image = ImageOps.fit(image, (WIDTH, HEIGHT), Image.LANCZOS)  # sharp also uses Lanczos-3
    x = np.asarray(image, dtype=np.float32)
    x = ${preprocessExpression('x', scale, offset)}
    return x[np.newaxis]  # [1, HEIGHT, WIDTH, 3], NHWC float32
`;
}

/** Python + onnxruntime + numpy + Pillow. */
export function onnxPythonSnippet(options: SnippetOptions): string {
  return `# pip install onnxruntime numpy pillow
# usage: python predict.py model.onnx photo.jpg
import json
import sys

import numpy as np
import onnxruntime as ort
from PIL import Image, ImageOps

${pythonLoadImage(options)}

def main():
    if len(sys.argv) != 3:
        sys.exit("usage: python predict.py model.onnx photo.jpg")
    model_path, image_path = sys.argv[1], sys.argv[2]
    session = ort.InferenceSession(model_path, providers=["CPUExecutionProvider"])
    # The class names also travel inside the model, in its metadata.
    labels = json.loads(session.get_modelmeta().custom_metadata_map["labels"])
    (probabilities,) = session.run(["probabilities"], {"input": load_image(image_path)})
    for index in np.argsort(-probabilities[0])[:5]:
        print(f"{labels[index]}\\t{probabilities[0][index]:.6f}")


if __name__ == "__main__":
    main()
`;
}

/** Python program running a .tflite export (float32 or int8) in the LiteRT interpreter. */
export function tflitePythonSnippet(options: SnippetOptions & { modelFile: string }): string {
  return `# pip install ai-edge-litert numpy pillow
# usage: python predict.py ${options.modelFile} photo.jpg
import sys
from pathlib import Path

import numpy as np
from ai_edge_litert.interpreter import Interpreter
from PIL import Image, ImageOps

${pythonLoadImage(options)}

def main():
    if len(sys.argv) != 3:
        sys.exit("usage: python predict.py ${options.modelFile} photo.jpg")
    model_path, image_path = sys.argv[1], sys.argv[2]
    labels = Path(model_path).with_name("${options.labelsFile}").read_text().splitlines()
    interpreter = Interpreter(model_path=model_path)
    interpreter.allocate_tensors()
    inp, out = interpreter.get_input_details()[0], interpreter.get_output_details()[0]
    x = load_image(image_path)
    if inp["dtype"] == np.int8:  # the int8 model: quantize with the input's scale and zero point
        s, z = inp["quantization"]
        x = np.clip(np.round(x / s + z), -128, 127).astype(np.int8)
    interpreter.set_tensor(inp["index"], x)
    interpreter.invoke()
    probabilities = interpreter.get_tensor(out["index"])[0]
    if out["dtype"] == np.int8:
        s, z = out["quantization"]
        probabilities = (probabilities.astype(np.float32) - z) * s
    for index in np.argsort(-probabilities)[:5]:
        print(f"{labels[index]}\\t{probabilities[index]:.6f}")


if __name__ == "__main__":
    main()
`;
}
