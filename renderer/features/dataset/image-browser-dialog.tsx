import { useEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Alert } from '../../components/alert';
import { EmptyState } from '../../components/empty-state';
import { FolderIcon } from '../../components/icons';
import { plural } from '../../components/format';
import { useStudio } from '../../store/store-context';
import { ImageGrid } from './image-grid';

/**
 * Every file of one class (usable, with problems, or left out), in a modal <dialog>: focus
 * stays inside while it is open and Escape closes it.
 */
export function ImageBrowserDialog() {
  const ref = useRef<HTMLDialogElement>(null);
  const s = useStudio(
    useShallow((state) => ({
      className: state.browseClass,
      total: state.browseTotal,
      error: state.browseError,
      close: state.closeBrowse,
    })),
  );
  const open = s.className !== null;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    <dialog
      ref={ref}
      className="dialog image-browser"
      aria-labelledby="image-browser-title"
      onClose={s.close}
      onClick={(event) => {
        if (event.target === event.currentTarget) s.close();
      }}
    >
      {open ? (
        <div className="dialog-content">
          <header className="dialog-header">
            <div>
              <h2 id="image-browser-title">Images of “{s.className}”</h2>
              <p className="muted" data-testid="image-browser-total">
                {s.total === null
                  ? 'Loading…'
                  : `${plural(s.total, 'file')}, including files with problems and files left out. Arrow keys move, Space leaves a file out or puts it back, Esc closes.`}
              </p>
            </div>
            <button type="button" className="dialog-close" aria-label="Close" onClick={s.close}>
              ×
            </button>
          </header>
          {s.error ? <Alert title="Could not list the images">{s.error}</Alert> : null}
          {s.total === 0 ? (
            <EmptyState icon={<FolderIcon />} title={`No images in “${s.className}”`}>
              <p>
                The folder of this class has no image files. Add JPEG, PNG, WebP, GIF, TIFF or AVIF
                files to it, then press Rescan.
              </p>
            </EmptyState>
          ) : null}
          {s.className !== null && s.total !== null && s.total > 0 ? (
            <ImageGrid key={s.className} className={s.className} total={s.total} />
          ) : null}
        </div>
      ) : null}
    </dialog>
  );
}
