/** A labelled figure in a summary row. */
export function Stat(props: { label: string; value: string; testId?: string }) {
  return (
    <div className="stat">
      <span className="stat-value" data-testid={props.testId}>
        {props.value}
      </span>
      <span className="stat-label">{props.label}</span>
    </div>
  );
}
