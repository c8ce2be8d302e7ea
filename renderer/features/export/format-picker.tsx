import { useShallow } from 'zustand/react/shallow';
import { ExportFormat } from '../../../shared/domain';
import { useStudio } from '../../store/store-context';

const names: Record<string, string> = { tfjs: 'TensorFlow.js', onnx: 'ONNX' };

/** The export formats the contract offers; hidden while there is only one. */
export function FormatPicker() {
  const { format, setFormat } = useStudio(
    useShallow((s) => ({ format: s.exportFormat, setFormat: s.setExportFormat })),
  );
  const formats = ExportFormat.options;
  if (formats.length < 2) return null;
  return (
    <div className="field">
      <span className="field-label" id="export-format-label">
        Format
      </span>
      <div className="segmented" role="radiogroup" aria-labelledby="export-format-label">
        {formats.map((option) => (
          <label key={option}>
            <input
              type="radio"
              name="export-format"
              value={option}
              checked={format === option}
              onChange={() => setFormat(option)}
            />
            {names[option] ?? option}
          </label>
        ))}
      </div>
    </div>
  );
}
