import { useEffect, useRef } from 'react';
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

/**
 * Brings the gallery into view when a confusion cell is picked (the matrix is above it, often a
 * screen away), but not when the screen is opened again on a cell picked before.
 */
function useScrollToOnPick(view: GalleryView) {
  const ref = useRef<HTMLElement>(null);
  const seen = useRef(view);
  useEffect(() => {
    if (seen.current === view) return;
    seen.current = view;
    if (view.kind !== 'cell') return;
    const calm = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    ref.current?.scrollIntoView({ block: 'start', behavior: calm ? 'auto' : 'smooth' });
  }, [view]);
  return ref;
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
  const ref = useScrollToOnPick(s.view);
  const title = titleOf(s.view, props.labels);
  return (
    <section
      ref={ref}
      className="card gallery"
      aria-labelledby="gallery-title"
      data-testid="image-gallery"
    >
      {/* Says what a click on a cell did, for those who do not see the gallery change. */}
      <p className="visually-hidden" role="status" data-testid="gallery-announcement">
        {s.status === 'ready'
          ? `Showing ${s.total} image${s.total === 1 ? '' : 's'}: ${title}`
          : ''}
      </p>
      <div className="section-row">
        <h2 className="section-title" id="gallery-title">
          {title}
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
