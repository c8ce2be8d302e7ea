import type { DatasetSummary } from '../../../shared/domain';
import { Stat } from '../../components/stat';
import { formatCount } from '../../components/format';

const layoutNames: Record<DatasetSummary['layout'], string> = {
  'folder-per-class': 'Class folders',
  'split-folders': 'train/ + val/',
  mixed: 'Mixed',
};

export function DatasetStats(props: { dataset: DatasetSummary }) {
  const { dataset } = props;
  return (
    <section className="stats" aria-label="Dataset summary">
      <Stat
        label="Classes"
        value={formatCount(dataset.classes.length)}
        testId="dataset-class-count"
      />
      <Stat label="Images" value={formatCount(dataset.totalImages)} testId="dataset-image-count" />
      <Stat label="Training" value={formatCount(dataset.split.train)} />
      <Stat
        label={
          dataset.split.source === 'folders'
            ? 'Validation (val/)'
            : `Validation (${Math.round(dataset.split.valRatio * 100)}%)`
        }
        value={formatCount(dataset.split.val)}
      />
      <Stat label="Layout" value={layoutNames[dataset.layout]} />
      <Stat
        label="Ready to train"
        value={dataset.trainable ? 'Yes' : 'Not yet'}
        testId="dataset-trainable"
      />
    </section>
  );
}
