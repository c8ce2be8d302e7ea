import { useShallow } from 'zustand/react/shallow';
import { Alert } from '../../components/alert';
import { ProgressBar } from '../../components/progress-bar';
import { useStudio } from '../../store/store-context';
import { ClassCards } from './class-cards';
import { DatasetEmptyState } from './dataset-empty-state';
import { DatasetSources } from './dataset-sources';
import { DatasetStats } from './dataset-stats';
import { DropZone } from './drop-zone';
import { ProblemsList } from './problems-list';

export function DatasetScreen() {
  const { dataset, scanStatus, scanError, scanProgress } = useStudio(
    useShallow((s) => ({
      dataset: s.dataset,
      scanStatus: s.scanStatus,
      scanError: s.scanError,
      scanProgress: s.scanProgress,
    })),
  );
  const progress = scanProgress?.total ? scanProgress.done / scanProgress.total : null;
  return (
    <DropZone>
      <header className="screen-header">
        <h1>Dataset</h1>
        <p>
          Folders of images, one sub-folder per class. Transfer Studio checks every file before
          training.
        </p>
      </header>
      <DatasetSources />
      {scanStatus === 'loading' ? (
        <div className="card scan-progress">
          <span>
            {scanProgress?.phase === 'checking' ? 'Checking images' : 'Listing files'}
            {scanProgress
              ? ` — ${scanProgress.done}${scanProgress.total ? ` of ${scanProgress.total}` : ''}`
              : '…'}
          </span>
          <ProgressBar label="Scanning the dataset" value={progress} />
        </div>
      ) : null}
      {scanError ? <Alert title="That folder could not be used">{scanError}</Alert> : null}
      {dataset ? (
        <>
          <DatasetStats dataset={dataset} />
          <ClassCards classes={dataset.classes} />
          <ProblemsList problems={dataset.problems} excluded={dataset.excluded ?? []} />
        </>
      ) : scanStatus !== 'loading' ? (
        <DatasetEmptyState />
      ) : null}
    </DropZone>
  );
}
