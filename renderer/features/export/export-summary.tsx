import { useShallow } from 'zustand/react/shallow';
import type { ExportResult } from '../../../shared/domain';
import { EXPORT_FORMAT_NAMES } from '../../../shared/export-types';
import { formatBytes, formatPercent, formatProbabilityDifference } from '../../components/format';
import { Stat } from '../../components/stat';
import { useStudio } from '../../store/store-context';
import { ExportFiles } from './export-files';

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * The outcome of an export: whether the written files reproduced the studio's model on the
 * validation split (and by how much they differ), where everything is, and each file.
 */
export function ExportSummary(props: { result: ExportResult }) {
  const { result } = props;
  const s = useStudio(
    useShallow((state) => ({ web: state.shell === 'web', download: state.downloadExport })),
  );
  const name = EXPORT_FORMAT_NAMES[result.format];
  return (
    <section
      className={`card export-summary ${result.passed ? 'export-passed' : 'export-failed'}`}
      aria-labelledby="export-summary-heading"
      data-testid="export-summary"
    >
      <h2 id="export-summary-heading" className="section-title">
        <span
          className={`status-pill ${result.passed ? 'status-completed' : 'status-failed'}`}
          data-testid="export-verdict"
        >
          {result.passed ? 'Proof passed' : 'Proof failed'}
        </span>{' '}
        {name} export
      </h2>
      <p className="muted">
        {result.passed
          ? `Loaded back from disk in ${result.runtime}, the exported files gave the studio's predictions on all ${result.samples} validation images.`
          : `${result.failure ?? 'The exported files do not reproduce the model.'} The files were kept for diagnosis in a folder marked .failed; nothing was left at the folder you chose.`}
      </p>
      <div className="stats compact">
        <Stat
          label="accuracy of the exported file"
          value={formatPercent(result.accuracy)}
          testId="export-accuracy"
        />
        <Stat
          label={`largest difference in a probability (allowed ${formatProbabilityDifference(result.tolerance)})`}
          value={formatProbabilityDifference(result.maxProbDiff)}
          testId="export-max-diff"
        />
        <Stat
          label="predictions changed"
          value={`${result.changedPredictions} of ${result.samples}`}
          testId="export-changed"
        />
        <Stat
          label="export time (proof)"
          value={`${seconds(result.timings.totalMs)} (${seconds(result.timings.verifyMs)})`}
        />
      </div>
      <dl className="export-paths">
        <dt>Folder</dt>
        <dd className="mono" data-testid="export-folder">
          {result.outDir}
        </dd>
        <dt>README</dt>
        <dd className="mono" data-testid="export-readme">
          {result.readmePath}
        </dd>
        <dt>Manifest</dt>
        <dd className="mono">{result.manifestPath}</dd>
        {result.zip ? (
          <>
            <dt>ZIP</dt>
            <dd className="mono" data-testid="export-zip">
              {result.zip.path} ({formatBytes(result.zip.bytes)})
            </dd>
          </>
        ) : null}
      </dl>
      {s.web && result.passed ? (
        <button type="button" className="btn export-download" onClick={() => void s.download()}>
          Download as ZIP
        </button>
      ) : null}
      <ExportFiles result={result} />
    </section>
  );
}
