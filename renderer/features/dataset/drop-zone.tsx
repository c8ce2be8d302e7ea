import { useState, type DragEvent, type ReactNode } from 'react';
import { useStudio } from '../../store/store-context';

/** Accepts folders dropped anywhere on the Dataset screen. */
export function DropZone(props: { children: ReactNode }) {
  const addDroppedFiles = useStudio((s) => s.addDroppedFiles);
  const [over, setOver] = useState(false);

  function onDragOver(event: DragEvent): void {
    if (!event.dataTransfer.types.includes('Files')) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    setOver(true);
  }

  function onDrop(event: DragEvent): void {
    event.preventDefault();
    setOver(false);
    void addDroppedFiles(Array.from(event.dataTransfer.files));
  }

  return (
    <div
      className={over ? 'drop-zone over' : 'drop-zone'}
      onDragOver={onDragOver}
      onDragLeave={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setOver(false);
      }}
      onDrop={onDrop}
    >
      {props.children}
      {over ? (
        <div className="drop-overlay" aria-hidden="true">
          Drop folders to add them to the dataset
        </div>
      ) : null}
    </div>
  );
}
