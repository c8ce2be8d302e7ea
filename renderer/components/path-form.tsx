import { useId, type FormEvent, type ReactNode } from 'react';

/** A labelled path field with a submit button, and room for an extra button (a native dialog). */
export function PathForm(props: {
  label: string;
  placeholder: string;
  value: string;
  submitLabel: string;
  busy?: boolean;
  hint?: ReactNode;
  extra?: ReactNode;
  onChange(value: string): void;
  onSubmit(): void;
}) {
  const id = useId();
  function submit(event: FormEvent): void {
    event.preventDefault();
    props.onSubmit();
  }
  return (
    <form className="path-form" onSubmit={submit}>
      <label htmlFor={id} className="field-label">
        {props.label}
      </label>
      <div className="path-row">
        <input
          id={id}
          className="input mono"
          type="text"
          spellCheck={false}
          autoComplete="off"
          placeholder={props.placeholder}
          value={props.value}
          onChange={(event) => props.onChange(event.target.value)}
        />
        <button type="submit" className="btn primary" disabled={props.busy}>
          {props.busy ? 'Working…' : props.submitLabel}
        </button>
        {props.extra}
      </div>
      {props.hint ? <p className="field-hint">{props.hint}</p> : null}
    </form>
  );
}
