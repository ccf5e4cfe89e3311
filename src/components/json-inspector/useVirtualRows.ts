import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback } from 'react';

/**
 * Rows per virtual item. The virtualizer rebuilds one measurement object per item whenever the
 * count changes; with 700 000 rows (10 MB expanded) that alone is a 50–130 ms task, and the raw
 * view changes the count on every slice. Virtualizing blocks of fixed-height rows divides that
 * by BLOCK for a few more rows in the DOM.
 */
const BLOCK = 16;

export interface VirtualRow {
  index: number;
  top: number;
}

export function useVirtualRows(
  count: number,
  rowHeight: number,
  getScrollElement: () => HTMLElement | null,
) {
  // eslint-disable-next-line react-hooks/incompatible-library -- read during render on purpose; nothing here is memoized by the compiler
  const virtualizer = useVirtualizer({
    count: Math.ceil(count / BLOCK),
    getScrollElement,
    estimateSize: () => BLOCK * rowHeight,
    overscan: 1,
  });
  const rows: VirtualRow[] = [];
  for (const block of virtualizer.getVirtualItems()) {
    const end = Math.min(count, (block.index + 1) * BLOCK);
    for (let index = block.index * BLOCK; index < end; index++) {
      rows.push({ index, top: index * rowHeight });
    }
  }

  /** Scrolls so row `index` is in view: centred, or just inside the nearest edge. */
  const scrollToRow = useCallback(
    (index: number, align: 'center' | 'nearest') => {
      const element = getScrollElement();
      if (!element) return;
      const top = index * rowHeight;
      const view = element.clientHeight;
      if (align === 'center') element.scrollTop = top - (view - rowHeight) / 2;
      else if (top < element.scrollTop) element.scrollTop = top;
      else if (top + rowHeight > element.scrollTop + view)
        element.scrollTop = top + rowHeight - view;
    },
    [getScrollElement, rowHeight],
  );

  return { rows, totalHeight: count * rowHeight, scrollToRow };
}
