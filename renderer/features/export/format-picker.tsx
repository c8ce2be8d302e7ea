import { useShallow } from 'zustand/react/shallow';
import { ExportFormat } from '../../../shared/domain';
import { useStudio } from '../../store/store-context';

const formats: Record<ExportFormat, { name: string; help: string }> = {
  tfjs: {
    name: 'TensorFlow.js',
    help:
      'model.json + weights with a Teachable Machine metadata.json: loads in web pages ' +
      '(@tensorflow/tfjs, @teachablemachine/image, ml5) and Node.js.',
  },
  onnx: {
    name: 'ONNX',
    help: 'model.onnx (opset 13): runs in onnxruntime from Python, C#, C++, Java or JavaScript.',
  },
  tflite: {
    name: 'TFLite',
    help:
      'model.tflite (float32): Android, iOS and Python with LiteRT (TensorFlow Lite). Proven in ' +
      'the LiteRT interpreter (set up by scripts/setup-python-runtimes).',
  },
  'tflite-int8': {
    name: 'TFLite int8',
    help:
      'Android / iOS / microcontrollers: model_int8.tflite, full-integer int8 (about 4x smaller, ' +
      'int8 input and output), calibrated on training images; proven in LiteRT against the ' +
      "studio's accuracy (at most 1 point lower).",
  },
};

/** Which format to export (TF.js, ONNX, TFLite float32 or int8), each with what it is good for. */
export function FormatPicker() {
  const { format, setFormat } = useStudio(
    useShallow((s) => ({ format: s.exportFormat, setFormat: s.setExportFormat })),
  );
  return (
    <div className="field">
      <span className="field-label" id="export-format-label">
        Format
      </span>
      <div className="segmented" role="radiogroup" aria-labelledby="export-format-label">
        {ExportFormat.options.map((option) => (
          <label key={option}>
            <input
              type="radio"
              name="export-format"
              value={option}
              checked={format === option}
              onChange={() => setFormat(option)}
            />
            {formats[option].name}
          </label>
        ))}
      </div>
      <p className="field-hint format-help">{formats[format].help}</p>
    </div>
  );
}
