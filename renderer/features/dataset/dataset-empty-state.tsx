import { EmptyState } from '../../components/empty-state';
import { FolderIcon } from '../../components/icons';
import { useStudio } from '../../store/store-context';

export function DatasetEmptyState() {
  const shell = useStudio((s) => s.shell);
  return (
    <EmptyState icon={<FolderIcon />} title="Add a folder of images to start">
      <p>
        {shell === 'electron'
          ? 'Drop a folder here, use “Add folder…”, or type its path.'
          : 'Type or paste the path of a folder above.'}{' '}
        Put each class in its own sub-folder; an optional <code>train/</code> and <code>val/</code>{' '}
        split is used as is.
      </p>
      <pre className="tree" aria-label="Example folder layout">{`flowers/
  roses/    rose-001.jpg  rose-002.jpg  …
  tulips/   tulip-001.jpg …
  daisies/  …`}</pre>
      <p className="muted">
        JPEG, PNG, WebP, GIF and more; at least two classes, ideally 20+ images each.
      </p>
    </EmptyState>
  );
}
