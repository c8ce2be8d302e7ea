import { useEffect, useRef } from 'react';

/**
 * Asks before an export replaces an earlier one in the chosen folder. A native modal <dialog>:
 * focus stays inside, Escape cancels, and "Keep it" has the focus so Enter never replaces by
 * accident.
 */
export function OverwriteDialog(props: {
  question: string | null;
  onReplace(): void;
  onCancel(): void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const keep = useRef<HTMLButtonElement>(null);
  const open = props.question !== null;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      keep.current?.focus();
    }
    if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    <dialog
      ref={ref}
      className="dialog export-overwrite"
      aria-labelledby="export-overwrite-title"
      aria-describedby="export-overwrite-text"
      onClose={() => {
        if (open) props.onCancel();
      }}
    >
      {open ? (
        <div className="dialog-content">
          <h2 id="export-overwrite-title">Replace the earlier export?</h2>
          <p id="export-overwrite-text">
            {props.question} Replacing it removes its files once the new export has passed its
            proof; until then the earlier export stays as it is.
          </p>
          <div className="dialog-footer">
            <span className="spacer" />
            <button ref={keep} type="button" className="btn" onClick={props.onCancel}>
              Keep it
            </button>
            <button type="button" className="btn danger" onClick={props.onReplace}>
              Replace
            </button>
          </div>
        </div>
      ) : null}
    </dialog>
  );
}
