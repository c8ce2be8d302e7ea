import type { ReactNode } from 'react';

/** An error or notice that says what happened and, when known, what to do. */
export function Alert(props: {
  tone?: 'error' | 'warning' | 'info';
  title: string;
  children?: ReactNode;
}) {
  const tone = props.tone ?? 'error';
  return (
    <div className={`alert alert-${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      <strong className="alert-title">{props.title}</strong>
      {props.children ? <div className="alert-body">{props.children}</div> : null}
    </div>
  );
}
