import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { ScaledScroller, observeScrollerRect } from './scaled-scroller';
import type { LogView } from './store';

export const ROW_HEIGHT = 20;
const BASE_STEP_PX = 1_000_000;
/** Rows fetched beyond each edge of the viewport, so short scrolls find lines already there. */
const PREFETCH_ROWS = 100;

export type Align = 'start' | 'center' | 'end';

/**
 * The virtualized list of a view's positions: a scaled scroller (past the browser's height cap),
 * the rows in view, fetching what they need, and scrolls that wait for their row to exist.
 */
export function useLogList(view: LogView, version: number, wrap: boolean) {
  const [scroller, setScroller] = useState<ScaledScroller | null>(null);
  const scrollRef = useCallback((el: HTMLDivElement | null) => {
    setScroller(el ? new ScaledScroller(el) : null);
  }, []);
  const total = view.total ?? 0;
  // The virtualizer's functions change identity; rows get plain values, so memoizing is safe.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer<HTMLElement, HTMLDivElement>({
    count: total,
    // The stand-in scales scroll offsets past the browser's height cap (see ScaledScroller).
    getScrollElement: () => scroller as unknown as HTMLElement | null,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    observeElementRect: observeScrollerRect,
  });
  const virtualTotal = virtualizer.getTotalSize();
  const realTotal = scroller ? scroller.fit(virtualTotal) : virtualTotal;
  const ratio = scroller?.ratio ?? 1;
  const shift = (virtualizer.scrollOffset ?? 0) * (1 - 1 / ratio);
  const items = virtualizer.getVirtualItems();
  // Rows sit relative to a coarse base so no transform reaches the browser's layout limit, and
  // the base changes rarely enough that scrolling does not re-render every row.
  const base = Math.floor((items[0]?.start ?? 0) / BASE_STEP_PX) * BASE_STEP_PX;
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? -1;

  useEffect(() => {
    virtualizer.measure();
  }, [virtualizer, view, wrap]);

  useEffect(() => {
    if (view.total === null || last < 0) return;
    void view.ensureRange(Math.max(0, first - PREFETCH_ROWS), last + PREFETCH_ROWS);
  }, [view, first, last, version]);

  // Scrolls wait until the list has as many rows as the target needs.
  const pending = useRef<{ index: number; align: Align } | null>(null);
  const scrollToPosition = useCallback(
    (index: number, align: Align) => {
      pending.current = { index, align };
      if (index < virtualizer.options.count) {
        virtualizer.scrollToIndex(index, { align });
        pending.current = null;
      }
    },
    [virtualizer],
  );
  useLayoutEffect(() => {
    const target = pending.current;
    if (target && target.index < total) {
      virtualizer.scrollToIndex(target.index, { align: target.align });
      pending.current = null;
    }
  });

  return {
    scrollRef,
    scroller,
    virtualizer,
    total,
    items,
    base,
    shift,
    realTotal,
    first,
    last,
    scrollToPosition,
  };
}
