import type { ReactNode } from 'react';
import type { TrainPanel } from '../../store/training-settings-slice';
import { useStudio } from '../../store/store-context';

/**
 * A section of the Train settings that opens and closes (native <details>, so it works with
 * the keyboard and screen readers); its state lives in the store and survives tab switches.
 */
export function Disclosure(props: {
  panel: TrainPanel;
  title: string;
  /** One line shown beside the title, e.g. what is on. */
  summary?: ReactNode;
  children: ReactNode;
}) {
  const open = useStudio((s) => s.openTrainPanels.includes(props.panel));
  const setOpen = useStudio((s) => s.setTrainPanelOpen);
  return (
    <details
      className="disclosure"
      open={open}
      data-panel={props.panel}
      onToggle={(event) => {
        if (event.currentTarget.open !== open) setOpen(props.panel, event.currentTarget.open);
      }}
    >
      <summary>
        <span className="disclosure-title">{props.title}</span>
        {props.summary ? <span className="disclosure-summary">{props.summary}</span> : null}
      </summary>
      <div className="disclosure-body">{open ? props.children : null}</div>
    </details>
  );
}
