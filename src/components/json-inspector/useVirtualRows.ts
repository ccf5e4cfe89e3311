import { observeElementOffset, useVirtualizer, type Virtualizer } from '@tanstack/react-virtual';
import { useCallback, useLayoutEffect } from 'react';

/**
 * Rows per virtual item. The virtualizer rebuilds one measurement object per item whenever the
 * count changes; with 700 000 rows (10 MB expanded) that alone is a 50–130 ms task, and the raw
 * view changes the count on every slice. Virtualizing blocks of fixed-height rows divides that
 * by BLOCK for a few more rows in the DOM.
 */
const BLOCK = 16;

/**
 * Chromium caps an element's height at 33 554 432 px (1.5M rows of 22 px). Past this height the
 * scroll range is scaled: the scrollbar maps onto all rows and rows are placed around the scroll
 * position, so every row of a huge expanded value stays reachable.
 */
const MAX_HEIGHT = 15_000_000;

/** Content pixels per scrolled pixel (1 until the content is taller than MAX_HEIGHT). */
function scaleOf(contentHeight: number, viewHeight: number): number {
  if (contentHeight <= MAX_HEIGHT) return 1;
  return Math.max(1, (contentHeight - viewHeight) / (MAX_HEIGHT - viewHeight));
}

function blockScale(instance: Virtualizer<HTMLElement, Element>): number {
  return scaleOf(instance.getTotalSize(), instance.scrollElement?.clientHeight ?? 0);
}

export interface VirtualRow {
  index: number;
  top: number;
}

export function useVirtualRows(
  count: number,
  rowHeight: number,
  getScrollElement: () => HTMLElement | null,
) {
  const blocks = Math.ceil(count / BLOCK);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- count is the point: see getItemKey below
  const getItemKey = useCallback((block: number) => block, [count]);
  // eslint-disable-next-line react-hooks/incompatible-library -- read during render on purpose; nothing here is memoized by the compiler
  const virtualizer = useVirtualizer({
    count: blocks,
    getScrollElement,
    // The last block holds only the remaining rows, so the content height is exact.
    estimateSize: (block) => Math.min(BLOCK, count - block * BLOCK) * rowHeight,
    // Block sizes depend on the row count, which the virtualizer does not watch: a new key
    // function makes it measure the blocks again.
    getItemKey,
    overscan: 1,
    // The virtualizer works in content pixels; the element scrolls in (possibly scaled) pixels.
    observeElementOffset: (instance, notify) =>
      observeElementOffset(instance, (offset, scrolling) =>
        notify(offset * blockScale(instance), scrolling),
      ),
  });
  useLayoutEffect(() => {
    // A new row count changes the scale: have the virtualizer read the offset again.
    getScrollElement()?.dispatchEvent(new Event('scroll'));
  }, [count, getScrollElement]);

  const contentOffset = virtualizer.scrollOffset ?? 0;
  const scale = blockScale(virtualizer);
  // Rows sit at their content position, shifted so the viewport shows content at contentOffset.
  const shift = contentOffset / scale - contentOffset;
  const rows: VirtualRow[] = [];
  for (const block of virtualizer.getVirtualItems()) {
    const end = Math.min(count, (block.index + 1) * BLOCK);
    for (let index = block.index * BLOCK; index < end; index++) {
      rows.push({ index, top: index * rowHeight + shift });
    }
  }

  /** Scrolls so row `index` is in view: centred, or just inside the nearest edge. */
  const scrollToRow = useCallback(
    (index: number, align: 'center' | 'nearest') => {
      const element = getScrollElement();
      if (!element) return;
      const view = element.clientHeight;
      const rowsScale = scaleOf(count * rowHeight, view);
      const top = index * rowHeight;
      const current = element.scrollTop * rowsScale;
      let target = current;
      if (align === 'center') target = top - (view - rowHeight) / 2;
      else if (top < current) target = top;
      else if (top + rowHeight > current + view) target = top + rowHeight - view;
      element.scrollTop = target / rowsScale;
    },
    [getScrollElement, rowHeight, count],
  );

  return { rows, totalHeight: Math.min(count * rowHeight, MAX_HEIGHT), scrollToRow };
}
