import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { browseImageAt } from '../../store/dataset-browse-slice';
import { useStudio } from '../../store/store-context';
import { ImageCell } from './image-cell';

/** Narrowest cell; the grid fits as many columns as its width allows. */
const CELL_MIN_WIDTH = 150;
/** Matches the cell's fixed layout in dataset.css (thumbnail, name, two badge lines, button). */
const ROW_HEIGHT = 236;
const GRID_PADDING = 16;

/** Index the keyboard moves to from `index`, or null for keys the grid does not handle. */
function nextIndex(
  key: string,
  index: number,
  columns: number,
  rowsPerPage: number,
  total: number,
) {
  const last = total - 1;
  const moves: Record<string, number> = {
    ArrowRight: index + 1,
    ArrowLeft: index - 1,
    ArrowDown: index + columns,
    ArrowUp: index - columns,
    PageDown: index + columns * rowsPerPage,
    PageUp: index - columns * rowsPerPage,
    Home: 0,
    End: last,
  };
  const target = moves[key];
  return target === undefined ? null : Math.min(last, Math.max(0, target));
}

/**
 * All files of a class as a virtualized grid: only the rows in view (plus a few) exist in
 * the DOM, and their pages are fetched as they scroll in, so 100k files scroll smoothly.
 * Keyboard: the grid is one Tab stop; arrows, Page Up/Down, Home/End move the active file,
 * Space or Enter leaves it out or puts it back.
 */
export function ImageGrid(props: { className: string; total: number }) {
  const { total } = props;
  const s = useStudio(
    useShallow((state) => ({
      pages: state.browsePages,
      load: state.loadBrowseRange,
      toggle: state.toggleBrowseExcluded,
      busy: state.scanStatus === 'loading',
      thumbnailUrl: state.thumbnailUrl,
    })),
  );
  const scrollRef = useRef<HTMLDivElement>(null);
  const [columns, setColumns] = useState(5);
  const [active, setActive] = useState(0);

  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (!element) return;
    const measure = (width: number) =>
      setColumns(Math.max(1, Math.floor((width - GRID_PADDING) / CELL_MIN_WIDTH)));
    measure(element.clientWidth);
    const observer = new ResizeObserver(([entry]) => {
      if (entry) measure(entry.contentRect.width);
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  // Focus starts on the first file, not on the dialog's close button, so the keys the
  // dialog names (arrows, Space) act on the images at once.
  useEffect(() => {
    scrollRef.current?.focus({ preventScroll: true });
  }, []);

  const rowCount = Math.ceil(total / columns);
  // The build does not use the React Compiler; the virtualizer re-renders this component on
  // scroll itself, which is exactly what it is for.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 2,
  });
  const rows = virtualizer.getVirtualItems();
  const firstRow = rows[0]?.index ?? 0;
  const lastRow = rows.at(-1)?.index ?? 0;

  const load = s.load;
  useEffect(() => {
    void load(firstRow * columns, (lastRow + 1) * columns);
  }, [firstRow, lastRow, columns, total, load]);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>): void {
    if (event.key === ' ' || event.key === 'Enter') {
      const image = browseImageAt(s.pages, active);
      if (image && !s.busy) void s.toggle(image);
      event.preventDefault();
      return;
    }
    const height = scrollRef.current?.clientHeight ?? ROW_HEIGHT;
    const rowsPerPage = Math.max(1, Math.floor(height / ROW_HEIGHT));
    const target = nextIndex(event.key, active, columns, rowsPerPage, total);
    if (target === null) return;
    event.preventDefault();
    setActive(target);
    virtualizer.scrollToIndex(Math.floor(target / columns), { align: 'auto' });
  }

  return (
    <div
      ref={scrollRef}
      className="browse-grid"
      role="grid"
      aria-label={`Images of ${props.className}`}
      aria-rowcount={rowCount}
      aria-colcount={columns}
      aria-activedescendant={`browse-cell-${active}`}
      tabIndex={0}
      onKeyDown={onKeyDown}
      data-testid="browse-grid"
    >
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {rows.map((row) => (
          <div
            key={row.key}
            role="row"
            aria-rowindex={row.index + 1}
            className="browse-grid-row"
            style={{
              top: row.start,
              height: row.size,
              gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`,
            }}
          >
            {Array.from({ length: columns }, (_, column) => row.index * columns + column)
              .filter((index) => index < total)
              .map((index) => (
                <ImageCell
                  key={index}
                  index={index}
                  image={browseImageAt(s.pages, index)}
                  active={index === active}
                  busy={s.busy}
                  thumbnailUrl={s.thumbnailUrl}
                  onToggle={(image) => void s.toggle(image)}
                  onPick={(picked) => {
                    setActive(picked);
                    scrollRef.current?.focus({ preventScroll: true });
                  }}
                />
              ))}
          </div>
        ))}
      </div>
    </div>
  );
}
