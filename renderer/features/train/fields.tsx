import { useId, type ReactNode } from 'react';

/** A labelled text field for a number, kept as typed (the store checks it). */
export function NumberField(props: {
  name: string;
  label: string;
  value: string;
  hint?: ReactNode;
  step?: string;
  min?: string;
  max?: string;
  disabled?: boolean;
  onChange(value: string): void;
}) {
  const id = useId();
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        {props.label}
      </label>
      <input
        id={id}
        className="input"
        type="number"
        inputMode="decimal"
        name={props.name}
        step={props.step ?? 'any'}
        min={props.min}
        max={props.max}
        value={props.value}
        disabled={props.disabled}
        aria-describedby={props.hint ? `${id}-hint` : undefined}
        onChange={(event) => props.onChange(event.target.value)}
      />
      {props.hint ? (
        <span className="field-hint" id={`${id}-hint`}>
          {props.hint}
        </span>
      ) : null}
    </div>
  );
}

export function SelectField<T extends string>(props: {
  name: string;
  label: string;
  value: T;
  options: { value: T; label: string; disabled?: boolean }[];
  hint?: ReactNode;
  disabled?: boolean;
  onChange(value: T): void;
}) {
  const id = useId();
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        {props.label}
      </label>
      <select
        id={id}
        className="input"
        name={props.name}
        value={props.value}
        disabled={props.disabled}
        aria-describedby={props.hint ? `${id}-hint` : undefined}
        onChange={(event) => props.onChange(event.target.value as T)}
      >
        {props.options.map((option) => (
          <option key={option.value} value={option.value} disabled={option.disabled}>
            {option.label}
          </option>
        ))}
      </select>
      {props.hint ? (
        <span className="field-hint" id={`${id}-hint`}>
          {props.hint}
        </span>
      ) : null}
    </div>
  );
}

/** Radio buttons drawn as one segmented control (arrow keys move, as radios do). */
export function Segmented<T extends string>(props: {
  name: string;
  label: string;
  value: T;
  options: { value: T; label: string }[];
  hint?: ReactNode;
  disabled?: boolean;
  onChange(value: T): void;
}) {
  const id = useId();
  return (
    <div className="field">
      <span className="field-label" id={id}>
        {props.label}
      </span>
      <div className="segmented" role="radiogroup" aria-labelledby={id}>
        {props.options.map((option) => (
          <label key={option.value}>
            <input
              type="radio"
              name={props.name}
              value={option.value}
              checked={props.value === option.value}
              disabled={props.disabled}
              onChange={() => props.onChange(option.value)}
            />
            {option.label}
          </label>
        ))}
      </div>
      {props.hint ? <span className="field-hint">{props.hint}</span> : null}
    </div>
  );
}

/** An on/off switch (a checkbox with the switch role). */
export function Switch(props: {
  label: string;
  checked: boolean;
  disabled?: boolean;
  onText?: string;
  offText?: string;
  onChange(checked: boolean): void;
}) {
  return (
    <label className="switch">
      <input
        type="checkbox"
        role="switch"
        aria-label={props.label}
        checked={props.checked}
        disabled={props.disabled}
        onChange={(event) => props.onChange(event.target.checked)}
      />
      <span className="switch-track" aria-hidden="true" />
      <span className="switch-text">
        {props.checked ? (props.onText ?? 'On') : (props.offText ?? 'Off')}
      </span>
    </label>
  );
}
