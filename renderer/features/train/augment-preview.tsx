import { useEffect, useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../../store/store-context';
import { augmentationOn } from '../../store/training-settings';
import { PREVIEW_COUNT } from '../../store/training-tools-slice';

/** Dataset images the user can pick for the preview: a few of each class. */
function usePreviewChoices(): { id: string; className: string }[] {
  const classes = useStudio((state) => state.dataset?.classes);
  return useMemo(
    () =>
      (classes ?? []).flatMap((c) =>
        c.thumbnails.slice(0, 3).map((id) => ({ id, className: c.name })),
      ),
    [classes],
  );
}

/**
 * Augmented views of one dataset image, rendered by the worker exactly as training makes
 * them; re-asked (debounced) whenever the settings or the chosen image change.
 */
export function AugmentPreview() {
  const s = useStudio(
    useShallow((state) => ({
      augmentation: state.augmentation,
      on: augmentationOn(state.augmentation),
      thumbnail: state.previewThumbnail(),
      seed: state.previewSeed,
      status: state.previewStatus,
      images: state.previewImages,
      error: state.previewError,
      schedule: state.schedulePreview,
      choose: state.choosePreviewImage,
      shuffle: state.shufflePreview,
      urlOf: state.thumbnailUrl,
    })),
  );
  const choices = usePreviewChoices();
  const { schedule, augmentation, thumbnail } = s;
  useEffect(() => {
    schedule();
  }, [schedule, augmentation, thumbnail]);

  if (!thumbnail) {
    return (
      <div className="augment-preview empty">
        <p className="muted">Add a dataset to preview augmented images.</p>
      </div>
    );
  }
  return (
    <div className="augment-preview" aria-label="Augmentation preview" role="group">
      <div className="preview-head">
        <span className="field-label">Preview</span>
        <button
          type="button"
          className="btn small"
          onClick={s.shuffle}
          disabled={!s.on || s.status === 'loading'}
        >
          Shuffle
        </button>
      </div>
      <div
        className="preview-grid"
        data-testid="augment-preview"
        data-status={s.status}
        aria-busy={s.status === 'loading'}
      >
        <figure className="preview-original">
          <img src={s.urlOf(thumbnail)} alt="Original" />
          <figcaption>original</figcaption>
        </figure>
        {s.on
          ? Array.from({ length: PREVIEW_COUNT }, (_, index) => {
              const src = s.images[index];
              return (
                <figure key={index} className={s.status === 'loading' ? 'loading' : undefined}>
                  {src ? (
                    <img src={src} alt={`Augmented view ${index + 1}`} />
                  ) : (
                    <span className="preview-slot" aria-hidden="true" />
                  )}
                </figure>
              );
            })
          : null}
        {!s.on ? (
          <p className="preview-off muted">Switch an option on to see what training will see.</p>
        ) : null}
      </div>
      {s.error ? (
        <p className="field-error" role="alert">
          {s.error}
        </p>
      ) : null}
      {choices.length > 1 ? (
        <div className="preview-choices" role="group" aria-label="Preview image">
          {choices.map((choice, index) => (
            <button
              key={choice.id}
              type="button"
              aria-pressed={choice.id === thumbnail}
              aria-label={`Preview ${choice.className} image ${index + 1}`}
              className={choice.id === thumbnail ? 'preview-choice selected' : 'preview-choice'}
              onClick={() => s.choose(choice.id)}
            >
              <img src={s.urlOf(choice.id)} alt="" />
            </button>
          ))}
        </div>
      ) : null}
    </div>
  );
}
