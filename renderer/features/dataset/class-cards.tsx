import type { ClassSummary } from '../../../shared/domain';
import { formatCount, plural } from '../../components/format';
import { useStudio } from '../../store/store-context';

const THUMBS_SHOWN = 4;

function ClassCard(props: { item: ClassSummary }) {
  const thumbnailUrl = useStudio((s) => s.thumbnailUrl);
  const openBrowse = useStudio((s) => s.openBrowse);
  const { item } = props;
  return (
    <li className="class-card" data-testid="class-card">
      <div className="thumbs" aria-hidden={item.thumbnails.length === 0}>
        {item.thumbnails.slice(0, THUMBS_SHOWN).map((id, index) => (
          <img
            key={id}
            src={thumbnailUrl(id)}
            alt={`${item.name}, example ${index + 1}`}
            loading="lazy"
            decoding="async"
          />
        ))}
        {item.thumbnails.length === 0 ? <div className="thumb-placeholder">No preview</div> : null}
      </div>
      <div className="class-body">
        <h3 className="class-name" title={item.name}>
          {item.name}
        </h3>
        <p className="class-count">{plural(item.count, 'image')}</p>
        <p className="class-split">
          {formatCount(item.trainCount)} train · {formatCount(item.valCount)} val
          {item.testCount ? ` · ${formatCount(item.testCount)} test` : ''}
        </p>
        <div className="class-actions">
          <button
            type="button"
            className="btn small"
            aria-label={`Browse images of ${item.name}`}
            onClick={() => void openBrowse(item.name)}
          >
            Browse images
          </button>
        </div>
      </div>
    </li>
  );
}

export function ClassCards(props: { classes: ClassSummary[] }) {
  if (props.classes.length === 0) return null;
  return (
    <section aria-labelledby="classes-heading">
      <h2 id="classes-heading" className="section-title">
        Classes
      </h2>
      <ul className="class-grid">
        {props.classes.map((item) => (
          <ClassCard key={item.name} item={item} />
        ))}
      </ul>
    </section>
  );
}
