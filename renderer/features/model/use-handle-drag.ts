import { useEffect, useRef, type PointerEvent, type RefObject } from 'react';

/** Distance from the scrolling area's edge (px) within which a drag scrolls it. */
const EDGE = 56;
/** Fastest scroll while dragging at the very edge (px per frame). */
const MAX_STEP = 18;

/**
 * Dragging the "freeze everything below here" handle. The handle is a new element at every gap
 * it moves to, so the pointer is captured by the diagram (which stays), not by the handle: the
 * drag then follows the pointer (mouse, pen or touch) to any gap. Near the top or bottom of the
 * scrolling screen the screen scrolls, so a network taller than the window can be crossed in
 * one drag, touch included (the handle has `touch-action: none`, so the page does not pan).
 */
export function useHandleDrag(
  diagramRef: RefObject<HTMLDivElement | null>,
  onGap: (gap: number) => void,
) {
  const pointer = useRef<{ id: number; y: number } | null>(null);
  const frame = useRef(0);
  const onGapRef = useRef(onGap);
  useEffect(() => {
    onGapRef.current = onGap;
  });
  useEffect(() => () => cancelAnimationFrame(frame.current), []);

  const gapNearest = (clientY: number): number | undefined => {
    const gaps = diagramRef.current?.querySelectorAll<HTMLElement>('[data-gap]') ?? [];
    let best: { gap: number; distance: number } | undefined;
    for (const element of gaps) {
      const rect = element.getBoundingClientRect();
      const distance = Math.abs(rect.top + rect.height / 2 - clientY);
      if (!best || distance < best.distance) best = { gap: Number(element.dataset.gap), distance };
    }
    return best?.gap;
  };

  const follow = () => {
    const held = pointer.current;
    if (!held) return;
    const gap = gapNearest(held.y);
    if (gap !== undefined) onGapRef.current(gap);
    const scroller = diagramRef.current?.closest<HTMLElement>('.app-body');
    if (!scroller) return;
    const box = scroller.getBoundingClientRect();
    const above = box.top + EDGE - held.y;
    const below = held.y - (box.bottom - EDGE);
    const step = above > 0 ? -above : below > 0 ? below : 0;
    if (step === 0) return;
    scroller.scrollTop += Math.max(-MAX_STEP, Math.min(MAX_STEP, step / 2));
    frame.current = requestAnimationFrame(follow);
  };

  const end = () => {
    pointer.current = null;
    cancelAnimationFrame(frame.current);
  };

  return {
    /** On the handle: starts a drag. */
    onHandlePointerDown(event: PointerEvent<HTMLElement>) {
      if (event.pointerType === 'mouse' && event.button !== 0) return;
      pointer.current = { id: event.pointerId, y: event.clientY };
      diagramRef.current?.setPointerCapture(event.pointerId);
    },
    /** On the diagram, which holds the capture for the whole drag. */
    diagramProps: {
      onPointerMove(event: PointerEvent<HTMLElement>) {
        if (pointer.current?.id !== event.pointerId) return;
        pointer.current.y = event.clientY;
        cancelAnimationFrame(frame.current);
        follow();
      },
      onPointerUp: end,
      onPointerCancel: end,
      onLostPointerCapture: end,
    },
  };
}
