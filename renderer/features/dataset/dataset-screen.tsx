import { useShallow } from 'zustand/react/shallow';
import { Alert } from '../../components/alert';
import { useStudio } from '../../store/store-context';
import { ClassCards } from './class-cards';
import { DatasetEmptyState } from './dataset-empty-state';
import { DatasetSources } from './dataset-sources';
import { DatasetStats } from './dataset-stats';
import { DropZone } from './drop-zone';
import { ImageBrowserDialog } from './image-browser-dialog';
import { ProblemsList } from './problems-list';
import { ScanProgressPanel } from './scan-progress-panel';
import './dataset.css';

export function DatasetScreen() {
  const { dataset, scanStatus, scanError, scanNotice, projectNotice, dismissProjectNotice } =
    useStudio(
      useShallow((s) => ({
        dataset: s.dataset,
        scanStatus: s.scanStatus,
        scanError: s.scanError,
        scanNotice: s.scanNotice,
        projectNotice: s.projectNotice,
        dismissProjectNotice: s.dismissProjectNotice,
      })),
    );
  return (
    <DropZone>
      <header className="screen-header">
        <h1>Dataset</h1>
        <p>
          Folders of images, one sub-folder per class. Transfer Studio checks every file before
          training.
        </p>
      </header>
      {projectNotice ? (
        <Alert tone="warning" title="Not everything of your last session came back">
          <p data-testid="project-notice">{projectNotice}</p>
          <button type="button" className="btn small" onClick={dismissProjectNotice}>
            Dismiss
          </button>
        </Alert>
      ) : null}
      <DatasetSources />
      {scanStatus === 'loading' ? <ScanProgressPanel /> : null}
      {scanNotice ? (
        <Alert tone="info" title={scanNotice}>
          {dataset
            ? 'The dataset is as it was before that scan.'
            : 'No dataset is loaded; add a folder to scan again.'}
        </Alert>
      ) : null}
      {scanError ? <Alert title="That folder could not be used">{scanError}</Alert> : null}
      {dataset ? (
        <>
          {dataset.findings ? (
            <p
              className={dataset.findings === 'No problems found' ? 'findings clean' : 'findings'}
              data-testid="dataset-findings"
            >
              {dataset.findings}
            </p>
          ) : null}
          <DatasetStats dataset={dataset} />
          <ClassCards classes={dataset.classes} />
          <ProblemsList problems={dataset.problems} excluded={dataset.excluded ?? []} />
        </>
      ) : scanStatus !== 'loading' ? (
        <DatasetEmptyState />
      ) : null}
      <ImageBrowserDialog />
    </DropZone>
  );
}
