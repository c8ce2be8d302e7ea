/** A labelled progress bar; without a value it shows an indeterminate stripe. */
export function ProgressBar(props: { label: string; value: number | null }) {
  const percent =
    props.value === null ? null : Math.round(Math.min(1, Math.max(0, props.value)) * 100);
  return (
    <div
      className={percent === null ? 'progress indeterminate' : 'progress'}
      role="progressbar"
      aria-label={props.label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent ?? undefined}
    >
      <div
        className="progress-fill"
        style={{ width: percent === null ? undefined : `${percent}%` }}
      />
    </div>
  );
}
