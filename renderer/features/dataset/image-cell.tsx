import { useState } from 'react';
import type { DatasetImage } from '../../../shared/domain';

const splitNames = { train: 'train', val: 'val', test: 'test' } as const;

/** One file in the image browser: thumbnail, name, split and problem badges, leave-out toggle. */
export function ImageCell(props: {
  image: DatasetImage | undefined;
  index: number;
  active: boolean;
  busy: boolean;
  thumbnailUrl(id: string): string;
  onToggle(image: DatasetImage): void;
  onPick(index: number): void;
}) {
  const { image, index } = props;
  const [broken, setBroken] = useState(false);
  const className = [
    'browse-cell',
    props.active ? 'active-cell' : '',
    image?.excluded ? 'left-out-cell' : '',
  ].join(' ');
  return (
    <div
      role="gridcell"
      id={`browse-cell-${index}`}
      data-index={index}
      data-testid="browse-cell"
      aria-selected={props.active}
      className={className}
      onClick={() => props.onPick(index)}
    >
      {image ? (
        <>
          {image.thumbnailId && !broken ? (
            <img
              src={props.thumbnailUrl(image.thumbnailId)}
              alt={image.name}
              loading="lazy"
              decoding="async"
              onError={() => setBroken(true)}
            />
          ) : (
            <div className="thumb-missing">No preview</div>
          )}
          <span className="browse-name" title={image.relativePath}>
            {image.name}
          </span>
          <div className="browse-badges">
            {image.split ? <span className="badge">{splitNames[image.split]}</span> : null}
            {image.problemKinds.map((kind) => (
              <span key={kind} className="badge problem-badge">
                {kind.replace(/-/g, ' ')}
              </span>
            ))}
            {image.excluded ? <span className="badge left-out">left out</span> : null}
          </div>
          <button
            type="button"
            className="btn small"
            // The grid takes the keyboard (Space toggles the active file), so the buttons of
            // hundreds of cells stay out of the Tab order.
            tabIndex={-1}
            disabled={props.busy}
            aria-label={`${image.excluded ? 'Put back' : 'Leave out'} ${image.name}`}
            // Focus stays on the grid, which owns the keyboard (arrows, Space).
            onMouseDown={(event) => event.preventDefault()}
            onClick={(event) => {
              event.stopPropagation();
              props.onPick(index);
              props.onToggle(image);
            }}
          >
            {image.excluded ? 'Put back' : 'Leave out'}
          </button>
        </>
      ) : (
        <div className="thumb-missing">Loading…</div>
      )}
    </div>
  );
}
