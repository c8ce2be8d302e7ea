import { useRef, type KeyboardEvent } from 'react';

export interface TabItem<T extends string> {
  id: T;
  label: string;
  /** Shown as a check mark: this step is done. */
  done?: boolean;
}

/**
 * WAI-ARIA tabs: one tab stop, arrows/Home/End move and activate, each tab controls the
 * panel with id `panel-<id>`.
 */
export function Tabs<T extends string>(props: {
  items: TabItem<T>[];
  active: T;
  onSelect(id: T): void;
  label: string;
}) {
  const refs = useRef(new Map<T, HTMLButtonElement>());

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>): void {
    const index = props.items.findIndex((item) => item.id === props.active);
    const last = props.items.length - 1;
    const next =
      event.key === 'ArrowRight'
        ? (index + 1) % props.items.length
        : event.key === 'ArrowLeft'
          ? (index - 1 + props.items.length) % props.items.length
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? last
              : null;
    if (next === null) return;
    event.preventDefault();
    const target = props.items[next];
    if (!target) return;
    props.onSelect(target.id);
    refs.current.get(target.id)?.focus();
  }

  return (
    <div className="tabs" role="tablist" aria-label={props.label} onKeyDown={onKeyDown}>
      {props.items.map((item, index) => {
        const selected = item.id === props.active;
        return (
          <button
            key={item.id}
            ref={(element) => {
              if (element) refs.current.set(item.id, element);
              else refs.current.delete(item.id);
            }}
            type="button"
            role="tab"
            id={`tab-${item.id}`}
            aria-selected={selected}
            aria-controls={`panel-${item.id}`}
            tabIndex={selected ? 0 : -1}
            className="tab"
            onClick={() => props.onSelect(item.id)}
          >
            <span className={item.done ? 'tab-step done' : 'tab-step'} aria-hidden="true">
              {item.done ? '✓' : index + 1}
            </span>
            {item.label}
            {item.done ? <span className="visually-hidden"> (done)</span> : null}
          </button>
        );
      })}
    </div>
  );
}
