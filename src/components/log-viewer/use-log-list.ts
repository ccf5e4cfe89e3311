import { useVirtualizer, type VirtualItem } from '@tanstack/react-virtual';
import { startTransition, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { rowOffset, rowWindow } from './model';
import { ScaledScroller, observeScrollerRect } from './scaled-scroller';
import type { LogView } from './store';

export const ROW_HEIGHT = 20;
const BASE_STEP_PX = 1_000_000;
/** Rows fetched beyond each edge of the viewport, so short scrolls find lines already there. */
const PREFETCH_ROWS = 100;
const OVERSCAN = 12;

export type Align = 'start' | 'center' | 'end';

type Item = Pick<VirtualItem, 'index' | 'key' | 'start'>;

/**
 * The virtualized list of a view's positions: a scaled scroller (past the browser's height cap),
 * the rows in view, fetching what they need, and scrolls that wait for their row to exist.
 * Unwrapped rows are all ROW_HEIGHT tall, so the rows in view are arithmetic on the scroll
 * offset (no per-row work, whatever the count); wrapped rows are measured by the virtualizer.
 */
export function useLogList(view: LogView, version: number, wrap: boolean) {
  const [scroller, setScroller] = useState<ScaledScroller | null>(null);
  // Set in a transition: a ref callback runs in the commit, where a plain state update is
  // rendered again synchronously in the same task (the whole viewer, a second time, inside the
  // log panel's mount on a cold load). Until then the list renders its first rows without it.
  const scrollRef = useCallback((el: HTMLDivElement | null) => {
    startTransition(() => setScroller(el ? new ScaledScroller(el) : null));
  }, []);
  const total = view.total ?? 0;
  const fixed = useFixedRows(wrap ? null : scroller, total);
  // The virtualizer's functions change identity; rows get plain values, so memoizing is safe.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer<HTMLElement, HTMLDivElement>({
    count: total,
    enabled: wrap,
    // The stand-in scales scroll offsets past the browser's height cap (see ScaledScroller).
    getScrollElement: () => scroller as unknown as HTMLElement | null,
    estimateSize: () => ROW_HEIGHT,
    // Turned on by "Wrap lines": start where the list is (the virtualizer scrolls to this offset).
    initialOffset: () => scroller?.scrollTop ?? 0,
    overscan: OVERSCAN,
    observeElementRect: observeScrollerRect,
  });
  const virtualTotal = wrap ? virtualizer.getTotalSize() : total * ROW_HEIGHT;
  const realTotal = scroller ? scroller.fit(virtualTotal) : virtualTotal;
  const ratio = scroller?.ratio ?? 1;
  const scrollOffset = wrap ? (virtualizer.scrollOffset ?? 0) : fixed.scrollTop * ratio;
  const shift = scrollOffset * (1 - 1 / ratio);
  const rows = rowWindow(scrollOffset, fixed.viewport, total, ROW_HEIGHT, OVERSCAN);
  const items: Item[] = wrap ? virtualizer.getVirtualItems() : fixedItems(rows.first, rows.last);
  // Rows sit relative to a coarse base so no transform reaches the browser's layout limit, and
  // the base changes rarely enough that scrolling does not re-render every row.
  const base = Math.floor((items[0]?.start ?? 0) / BASE_STEP_PX) * BASE_STEP_PX;
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? -1;

  useEffect(() => {
    if (wrap) virtualizer.measure();
  }, [virtualizer, view, wrap]);

  useEffect(() => {
    if (view.total === null || last < 0) return;
    void view.ensureRange(Math.max(0, first - PREFETCH_ROWS), last + PREFETCH_ROWS);
  }, [view, first, last, version]);

  const scrollToIndex = wrap
    ? (index: number, align: Align) => virtualizer.scrollToIndex(index, { align })
    : fixed.scrollToIndex;
  const scrollTo = useRef(scrollToIndex);
  const count = useRef(total);
  useLayoutEffect(() => {
    scrollTo.current = scrollToIndex;
    // No scroller yet (it is set in a transition after the mount): a scroll waits for it.
    count.current = scroller ? total : 0;
  });

  // Scrolls wait until the list has as many rows as the target needs.
  const pending = useRef<{ index: number; align: Align } | null>(null);
  const scrollToPosition = useCallback((index: number, align: Align) => {
    pending.current = { index, align };
    if (index < count.current) {
      scrollTo.current(index, align);
      pending.current = null;
    }
  }, []);
  useLayoutEffect(() => {
    const target = pending.current;
    if (target && scroller && target.index < total) {
      scrollToIndex(target.index, target.align);
      pending.current = null;
    }
  });

  return {
    scrollRef,
    scroller,
    measureElement: wrap ? virtualizer.measureElement : undefined,
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

/**
 * Rows of ROW_HEIGHT over `scroller` (null: not in use): the real scroll offset and viewport as
 * the browser reports them (no layout read while rendering), and scrolling to a row.
 */
function useFixedRows(scroller: ScaledScroller | null, count: number) {
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(0);
  // A scroll forces a layout of the whole page wherever it runs: in the commit that just added
  // rows (a log opening at its end) that layout made the commit a long task. So the rows move
  // now (their window follows this state) and the element scrolls in the next frame's
  // animation callback, whose layout the browser does anyway before painting. `frame` is that
  // callback while it waits (0: none).
  const frame = useRef(0);
  useLayoutEffect(() => {
    const stop = scroller?.observe({
      onResize: setViewport,
      // Until a scroll of ours has run, the element still reports where it was: the rows keep
      // the target (going back would fetch lines the follow just left, and again after).
      onScroll: (top) => {
        if (!frame.current) setScrollTop(top);
      },
    });
    return () => {
      cancelAnimationFrame(frame.current);
      frame.current = 0;
      stop?.();
    };
  }, [scroller]);
  const scrollToIndex = useCallback(
    (index: number, align: Align) => {
      if (!scroller) return;
      const top = rowOffset(index, align, scroller.viewport, count, ROW_HEIGHT);
      const waiting = frame.current !== 0;
      cancelAnimationFrame(frame.current);
      frame.current = 0;
      // Already there with nothing under way (a log opening at its head): nothing to move.
      if (!waiting && top / scroller.ratio === scroller.knownTop) return;
      setScrollTop(top / scroller.ratio);
      frame.current = requestAnimationFrame(() => {
        frame.current = 0;
        scroller.scrollTo({ top });
        setScrollTop(scroller.el.scrollTop);
      });
    },
    [scroller, count],
  );
  return { scrollTop, viewport, scrollToIndex };
}

/** The rows from `first` to `last`, at their offsets. */
function fixedItems(first: number, last: number): Item[] {
  const rows: Item[] = [];
  for (let i = first; i <= last; i++) rows.push({ index: i, key: i, start: i * ROW_HEIGHT });
  return rows;
}
