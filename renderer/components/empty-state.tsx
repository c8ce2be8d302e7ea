import type { ReactNode } from 'react';

export function EmptyState(props: { icon?: ReactNode; title: string; children: ReactNode }) {
  return (
    <div className="empty-state">
      {props.icon ? (
        <div className="empty-icon" aria-hidden="true">
          {props.icon}
        </div>
      ) : null}
      <h2>{props.title}</h2>
      <div className="empty-body">{props.children}</div>
    </div>
  );
}
