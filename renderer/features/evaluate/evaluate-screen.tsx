import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Alert } from '../../components/alert';
import { EmptyState } from '../../components/empty-state';
import { ChartIcon } from '../../components/icons';
import { ProgressBar } from '../../components/progress-bar';
import { useStudio } from '../../store/store-context';
import { RunSelect } from '../runs/run-select';
import { ChangesBanner } from './changes-banner';
import { ClassMetricsTable } from './class-metrics-table';
import { ConfusionMatrix, DENSE_FROM } from './confusion-matrix';
import { FolderEvaluation } from './folder-evaluation';
import { ImageGallery } from './image-gallery';
import { MetricsSummary } from './metrics-summary';
import { ReliabilityDiagram } from './reliability-diagram';
import './evaluate.css';

function sourceText(kind: 'validation' | 'folder', roots: string[], count: number): string {
  return kind === 'validation'
    ? `On the run's ${count} validation images (never used for training).`
    : `On ${count} images of ${roots.join(', ')}.`;
}

export function EvaluateScreen() {
  const s = useStudio(
    useShallow((state) => {
      const run = state.currentRun();
      return {
        runId: run?.status === 'completed' ? run.id : null,
        loadedRunId: state.evaluationRunId,
        report: state.evaluation,
        status: state.evaluationStatus,
        error: state.evaluationError,
        notice: state.fileNotice,
        gallery: state.gallery,
        load: state.loadEvaluation,
        show: state.showGallery,
        dismiss: state.dismissFileNotice,
      };
    }),
  );
  const { runId, loadedRunId, load } = s;
  useEffect(() => {
    if (runId && runId !== loadedRunId) void load(runId);
  }, [runId, loadedRunId, load]);

  const header = (
    <header className="screen-header with-aside">
      <div>
        <h1>Evaluate</h1>
        <p>How well the trained model does on images it did not learn from, and where it errs.</p>
      </div>
      <RunSelect />
    </header>
  );
  if (!runId) {
    return (
      <>
        {header}
        <EmptyState icon={<ChartIcon />} title="No trained model yet">
          <p>Train a model on the Train tab; its evaluation appears here when it finishes.</p>
        </EmptyState>
      </>
    );
  }
  const report = s.report;
  return (
    <>
      {header}
      {s.status === 'loading' && !report ? (
        <ProgressBar label="Loading the evaluation" value={null} />
      ) : null}
      {s.error ? <Alert title="The evaluation cannot be shown">{s.error}</Alert> : null}
      {report ? (
        <>
          <p className="muted source-line" data-testid="evaluation-source">
            {sourceText(report.source.kind, report.source.roots, report.metrics.count)}
            {report.skipped.length
              ? ` ${report.skipped.length} image(s) could not be decoded and were left out.`
              : ''}
          </p>
          <MetricsSummary report={report} />
          <ChangesBanner runId={runId} />
          <div className={report.labels.length >= DENSE_FROM ? 'eval-stack' : 'eval-grid'}>
            <section className="card" aria-labelledby="confusion-title">
              <h2 className="section-title" id="confusion-title">
                Confusion matrix
              </h2>
              <p className="muted small">Click a cell to see its images.</p>
              <ConfusionMatrix
                labels={report.labels}
                confusion={report.metrics.confusion}
                selected={s.gallery}
                onSelect={(actual, predicted) => void s.show({ kind: 'cell', actual, predicted })}
              />
            </section>
            <section className="card" aria-labelledby="per-class-title">
              <h2 className="section-title" id="per-class-title">
                Per class
              </h2>
              <ClassMetricsTable metrics={report.metrics} />
            </section>
          </div>
          <section className="card" aria-labelledby="calibration-title">
            <h2 className="section-title" id="calibration-title">
              Is the confidence honest?
            </h2>
            <ReliabilityDiagram metrics={report.metrics} />
          </section>
          {/* Pinned to the window: "Show in folder" is clicked far down the gallery. */}
          {s.notice ? (
            <div className="toast" data-testid="file-notice">
              <Alert tone="info" title="Files">
                {s.notice}{' '}
                <button type="button" className="btn link small" onClick={s.dismiss}>
                  Dismiss
                </button>
              </Alert>
            </div>
          ) : null}
          <ImageGallery labels={report.labels} misclassified={report.misclassified} />
          <FolderEvaluation runId={runId} />
        </>
      ) : null}
    </>
  );
}
