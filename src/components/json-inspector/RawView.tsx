import { useCallback, useEffect, useRef, useState } from 'react';
import { formatCount, prettyLines } from './model';
import { isAbort, runSliced } from './scheduler';
import { useVirtualRows } from './useVirtualRows';
import panel from '../ScrollPanel.module.css';
import classes from './JsonInspector.module.css';

const LINE_HEIGHT = 20;
/** A line longer than this (a huge string) is cut: a DOM text node of megabytes stalls layout. */
const MAX_LINE = 4000;
const PUBLISH_MS = 150;

interface Formatted {
  value: unknown;
  lines: string[];
  count: number;
  done: boolean;
}

/** Pretty-printed JSON, produced in slices and virtualized, so a 10 MB value never freezes the tab. */
export function RawView({ value, label }: { value: unknown; label: string }) {
  const [formatted, setFormatted] = useState<Formatted | null>(null);
  const scrollRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const controller = new AbortController();
    const lines: string[] = [];
    const publish = (done: boolean) => setFormatted({ value, lines, count: lines.length, done });
    let published = 0;
    // Re-render a few times a second while lines arrive, not after every slice.
    const progress = () => {
      if (performance.now() - published < PUBLISH_MS) return;
      published = performance.now();
      publish(false);
    };
    runSliced(prettyLines(value, lines), controller.signal, progress).then(
      () => publish(true),
      (error: unknown) => {
        if (!isAbort(error)) throw error;
      },
    );
    return () => controller.abort();
  }, [value]);

  const current = formatted?.value === value ? formatted : null;
  const getScrollElement = useCallback(() => scrollRef.current, []);
  const { rows, totalHeight } = useVirtualRows(current?.count ?? 0, LINE_HEIGHT, getScrollElement);

  return (
    <div
      ref={scrollRef}
      className={panel.scroller}
      role="region"
      aria-label={`${label} JSON`}
      aria-busy={!current?.done}
      tabIndex={0}
    >
      <div style={{ height: totalHeight, position: 'relative' }}>
        {rows.map(({ index, top }) => {
          const line = current!.lines[index]!;
          const cut = line.length > MAX_LINE;
          return (
            <div
              key={index}
              className={classes.rawLine}
              style={{
                height: LINE_HEIGHT,
                lineHeight: `${LINE_HEIGHT}px`,
                transform: `translateY(${top}px)`,
              }}
            >
              <span className={classes.lineNumber}>{index + 1}</span>
              {cut ? line.slice(0, MAX_LINE) : line}
              {cut && (
                <span className={classes.more}>
                  … {formatCount(line.length - MAX_LINE)} more characters
                </span>
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}
