import { Fragment, useEffect, useRef, type KeyboardEvent } from 'react';
import type { ModelInfo } from '../../../shared/domain';
import type { HeadLayer } from '../../../shared/training-estimate';
import { useStudio } from '../../store/store-context';
import { BlockRow } from './block-row';
import type { DiagramModel } from './diagram-model';
import { HeadBlock } from './head-block';
import { useHandleDrag } from './use-handle-drag';

/** Moves focus to the chosen preset of the plan panel (the first when none is chosen). */
function focusPresets(): void {
  const group = document.querySelector('.plan-panel [role="radiogroup"]');
  const target =
    group?.querySelector<HTMLElement>('[role="radio"][aria-checked="true"]') ??
    group?.querySelector<HTMLElement>('[role="radio"]');
  target?.focus();
}

/**
 * The network as a vertical block diagram, the new head at the top and the input image at the
 * bottom (data flows up). Between blocks runs the "freeze everything below here" handle: drag it,
 * click a gap, or focus it and use the arrow keys; blocks above it train, blocks below stay frozen.
 */
export function NetworkDiagram(props: {
  info: ModelInfo;
  diagram: DiagramModel;
  head: HeadLayer[];
  classes: number;
}) {
  const { info, diagram } = props;
  const applyPreset = useStudio((state) => state.applyPreset);
  const ref = useRef<HTMLDivElement>(null);
  // The handle moves to another gap (a new element): keep the keyboard focus on it.
  const handleRef = useRef<HTMLDivElement | null>(null);
  const refocus = useRef(false);
  useEffect(() => {
    if (!refocus.current) return;
    refocus.current = false;
    handleRef.current?.focus();
  });
  const headMacs = props.head.reduce((sum, layer) => sum + layer.macs, 0);
  const totalMacs = info.totalMacs + headMacs;
  const layersOf = new Map(
    info.blocks.map((block) => [block.id, info.layers.filter((l) => l.blockId === block.id)]),
  );
  const n = diagram.freezableCount;

  /** Puts the handle at gap `frozen`: that many blocks from the input stay frozen. */
  const placeHandle = (frozen: number) => {
    const clamped = Math.min(n, Math.max(0, frozen));
    applyPreset(clamped === n ? 'feature-extractor' : 'top', n - clamped);
  };

  const drag = useHandleDrag(ref, (gap) => {
    if (gap !== diagram.handleAt || !diagram.handleExact) placeHandle(gap);
  });
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const moves: Record<string, number> = {
      ArrowUp: diagram.handleAt + 1,
      ArrowRight: diagram.handleAt + 1,
      ArrowDown: diagram.handleAt - 1,
      ArrowLeft: diagram.handleAt - 1,
      PageUp: diagram.handleAt + 3,
      PageDown: diagram.handleAt - 3,
      Home: 0,
      End: n,
    };
    const next = moves[event.key];
    if (next === undefined) return;
    event.preventDefault();
    refocus.current = true;
    placeHandle(next);
  };

  const trained = n - diagram.handleAt;
  const handle = (
    <div
      ref={handleRef}
      className="freeze-handle"
      role="slider"
      tabIndex={0}
      aria-label="Freeze everything below here"
      aria-orientation="vertical"
      aria-valuemin={0}
      aria-valuemax={n}
      aria-valuenow={diagram.handleAt}
      aria-valuetext={
        trained === 0
          ? 'Whole base frozen'
          : `${trained} top block${trained === 1 ? '' : 's'} train`
      }
      data-testid="freeze-handle"
      data-gap={diagram.handleAt}
      onPointerDown={drag.onHandlePointerDown}
      onKeyDown={onKeyDown}
    >
      <span className="grip" aria-hidden="true">
        ⋮⋮
      </span>
      Freeze everything below here
      <span className="handle-note">
        {diagram.handleExact
          ? trained === 0
            ? 'base frozen'
            : `${trained} above train`
          : 'custom plan'}
      </span>
    </div>
  );

  const gap = (index: number) =>
    index === diagram.handleAt ? (
      <Fragment key={`gap-${index}`}>{handle}</Fragment>
    ) : (
      <div
        key={`gap-${index}`}
        className="gap"
        data-gap={index}
        onClick={() => placeHandle(index)}
        aria-hidden="true"
      >
        <span className="gap-hint">freeze below here</span>
      </div>
    );

  // Top to bottom: head, then blocks from the feature layer down to the input.
  const items: React.ReactNode[] = [];
  items.push(
    <HeadBlock
      key="head"
      layers={props.head}
      classes={props.classes}
      maxMacs={diagram.maxBlockMacs}
      totalMacs={totalMacs}
    />,
  );
  items.push(gap(n));
  for (const view of [...diagram.blocks].reverse()) {
    items.push(
      <BlockRow
        key={view.block.id}
        view={view}
        layers={layersOf.get(view.block.id) ?? []}
        maxMacs={diagram.maxBlockMacs}
        totalMacs={totalMacs}
      />,
    );
    if (view.freezableIndex >= 0) items.push(gap(view.freezableIndex));
    else if (view.block.kind !== 'input')
      items.push(<div key={`c-${view.block.id}`} className="gap" aria-hidden="true" />);
  }
  return (
    <section aria-labelledby="diagram-heading">
      <div className="section-row">
        <h2 id="diagram-heading" className="section-title">
          Network
        </h2>
      </div>
      <p className="diagram-legend">
        <span>
          <span className="legend-swatch trains" />
          trains
        </span>
        <span>
          <span className="legend-swatch forward" />
          compute per image (forward)
        </span>
        <span>
          <span className="legend-swatch backward" />
          needs a backward pass
        </span>
      </p>
      {/* Every block has a switch: this lets the keyboard pass them all in one step. */}
      <button type="button" className="skip-link" onClick={focusPresets}>
        Skip the blocks to the freeze plan
      </button>
      <div className="diagram" ref={ref} data-testid="network-diagram" {...drag.diagramProps}>
        {items}
      </div>
    </section>
  );
}
