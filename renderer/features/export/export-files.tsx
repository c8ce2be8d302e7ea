import type { ExportResult } from '../../../shared/domain';
import { formatBytes } from '../../components/format';

/** The exported files with their sizes and checksums, as the manifest records them. */
export function ExportFiles(props: { result: ExportResult }) {
  const { result } = props;
  const total = result.files.reduce((sum, file) => sum + file.bytes, 0);
  return (
    <div className="export-files">
      <p className="muted small">
        Labels: {result.labels.join(', ')} · {result.files.length} files · {formatBytes(total)}
      </p>
      <div className="table-wrap">
        <table className="table" aria-label="Exported files">
          <thead>
            <tr>
              <th scope="col">File</th>
              <th scope="col" className="num">
                Size
              </th>
              <th scope="col">SHA-256</th>
            </tr>
          </thead>
          <tbody>
            {result.files.map((file) => (
              <tr key={file.name} data-testid="export-file">
                <td className="mono">{file.name}</td>
                <td className="num">{formatBytes(file.bytes)}</td>
                <td className="mono muted small" title={file.sha256}>
                  {file.sha256.slice(0, 16)}…
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
