import { useShallow } from 'zustand/react/shallow';
import type { GalleryView } from '../../store/evaluation-slice';
import { useStudio } from '../../store/store-context';
import { ImageCard } from './image-card';

function titleOf(view: GalleryView, labels: string[]): string {
  if (view.kind === 'top-losses') return 'Misclassified images, worst first';
  if (view.kind === 'all') return 'All evaluated images';
  const actual = labels[view.actual];
  const predicted = labels[view.predicted];
  return view.actual === view.predicted
    ? `${actual} recognised as ${predicted}`
    : `${actual} mistaken for ${predicted}`;
}

/** The images behind a confusion cell, the top losses, or all of them. */
export function ImageGallery(props: { labels: string[]; misclassified: number }) {
  const s = useStudio(
    useShallow((state) => ({
      view: state.gallery,
      images: state.galleryImages,
      total: state.galleryTotal,
      status: state.galleryStatus,
      show: state.showGallery,
      more: state.loadMoreImages,
    })),
  );
  return (
    <section className="card gallery" aria-labelledby="gallery-title" data-testid="image-gallery">
      <div className="section-row">
        <h2 className="section-title" id="gallery-title">
          {titleOf(s.view, props.labels)}
          <span className="count-badge" data-testid="gallery-total">
            {s.total}
          </span>
        </h2>
        <div className="seg-group" role="group" aria-label="Which images">
          <button
            type="button"
            className={s.view.kind === 'top-losses' ? 'seg active' : 'seg'}
            aria-pressed={s.view.kind === 'top-losses'}
            onClick={() => void s.show({ kind: 'top-losses' })}
          >
            Top losses ({props.misclassified})
          </button>
          <button
            type="button"
            className={s.view.kind === 'all' ? 'seg active' : 'seg'}
            aria-pressed={s.view.kind === 'all'}
            onClick={() => void s.show({ kind: 'all' })}
          >
            All
          </button>
        </div>
      </div>
      {s.view.kind === 'cell' ? (
        <p className="muted small">
          Sorted by loss: the images the model got most wrong come first.
        </p>
      ) : null}
      {s.status === 'ready' && s.images.length === 0 ? (
        <p className="muted gallery-empty">
          {s.view.kind === 'top-losses' ? 'Nothing was misclassified.' : 'No images here.'}
        </p>
      ) : (
        <ul className="image-grid" aria-busy={s.status === 'loading'}>
          {s.images.map((image) => (
            <ImageCard key={image.index} image={image} labels={props.labels} />
          ))}
        </ul>
      )}
      {s.images.length < s.total ? (
        <button type="button" className="btn" onClick={() => void s.more()}>
          Show more ({s.total - s.images.length} left)
        </button>
      ) : null}
    </section>
  );
}
