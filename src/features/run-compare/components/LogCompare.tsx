import { Button, Group, Loader, Text } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { LogLine, NodeRun } from '../../../../contract/workflows';
import { fetchLogPage } from '../api';
import { alignLogs, firstDivergence, normalizeLine, type AlignedRow } from '../model';
import classes from './Compare.module.css';

const ROW_PX = 20;
/** Lines read per side before stopping to ask, when no difference has turned up yet. */
const SEARCH_BUDGET = 50_000;

interface Side {
  lines: LogLine[];
  /** What is compared: level and message with times, ids and durations masked. */
  keys: string[];
  cursor: string | null;
  done: boolean;
}

const emptySide = (): Side => ({ lines: [], keys: [], cursor: null, done: false });

async function loadPage(nodeRunId: string, side: Side, signal: AbortSignal) {
  const page = await fetchLogPage(nodeRunId, side.cursor, signal);
  for (const line of page.logs) {
    side.lines.push(line);
    side.keys.push(`${line.logLevel} ${normalizeLine(line.log)}`);
  }
  side.done = page.nextCursor === null;
  side.cursor = page.nextCursor;
  return page.logs.length;
}

/**
 * Two node runs' logs side by side, aligned line by line. Pages are read by cursor from both
 * sides until the first difference (or the end, or a budget), never the whole log at once.
 */
export function LogCompare({ left, right }: { left: NodeRun; right: NodeRun }) {
  const sides = useRef({ left: emptySide(), right: emptySide() });
  const [version, setVersion] = useState(0);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [jumped, setJumped] = useState(false);
  const abort = useRef<AbortController | null>(null);

  const alignment = useMemo(() => {
    void version;
    const { left: l, right: r } = sides.current;
    return alignLogs(l.keys, r.keys, { left: l.done, right: r.done });
  }, [version]);
  const first = firstDivergence(alignment.rows);

  const search = useCallback(
    async (budget: number) => {
      abort.current?.abort();
      const controller = new AbortController();
      abort.current = controller;
      setLoading(true);
      setError(null);
      try {
        const s = sides.current;
        const start = Math.max(s.left.lines.length, s.right.lines.length);
        for (;;) {
          const pending = [
            s.left.done ? null : loadPage(left.identifier, s.left, controller.signal),
            s.right.done ? null : loadPage(right.identifier, s.right, controller.signal),
          ];
          const got = await Promise.all(pending);
          // A node run still in progress with nothing new yet: stop rather than spin.
          const stalled = got.every((n) => !n);
          const aligned = alignLogs(s.left.keys, s.right.keys, {
            left: s.left.done,
            right: s.right.done,
          });
          setVersion((v) => v + 1);
          const read = Math.max(s.left.lines.length, s.right.lines.length) - start;
          if (firstDivergence(aligned.rows) >= 0 || (s.left.done && s.right.done)) break;
          if (read >= budget || stalled) break;
        }
      } catch (e) {
        if (!controller.signal.aborted) setError(e instanceof Error ? e.message : String(e));
      } finally {
        if (!controller.signal.aborted) setLoading(false);
      }
    },
    [left.identifier, right.identifier],
  );

  useEffect(() => {
    void search(SEARCH_BUDGET);
    return () => abort.current?.abort();
  }, [search]);

  const scroller = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- read during render on purpose; nothing here is memoized by the compiler
  const virtualizer = useVirtualizer({
    count: alignment.rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_PX,
    overscan: 20,
  });
  const { left: l, right: r } = sides.current;
  const bothDone = l.done && r.done;
  const firstRow = first >= 0 ? alignment.rows[first] : undefined;

  return (
    <div>
      <Group gap="sm" mb="xs" wrap="wrap">
        <Button
          size="xs"
          disabled={first < 0}
          onClick={() => {
            setJumped(true);
            virtualizer.scrollToIndex(first, { align: 'center' });
          }}
        >
          Jump to first difference
        </Button>
        {first < 0 && !bothDone && !loading && (
          <Button size="xs" variant="default" onClick={() => void search(SEARCH_BUDGET)}>
            Keep searching
          </Button>
        )}
        {loading && <Loader size="xs" aria-label="Reading logs" />}
        <Text size="xs" c="dimmed" role="status">
          {first >= 0
            ? `First difference at line ${lineNo(firstRow!.left)} of A / ${lineNo(firstRow!.right)} of B (times, ids and durations ignored).`
            : bothDone
              ? 'The logs are the same (times, ids and durations ignored).'
              : `No difference in the first ${Math.min(l.lines.length, r.lines.length).toLocaleString()} lines so far.`}{' '}
          Read {l.lines.length.toLocaleString()} of {total(left).toLocaleString()} lines of A,{' '}
          {r.lines.length.toLocaleString()} of {total(right).toLocaleString()} of B.
        </Text>
      </Group>
      {error && (
        <Text size="sm" c="red" role="alert">
          {error}
        </Text>
      )}
      <div
        ref={scroller}
        className={classes.diffScroller}
        style={{ height: 420 }}
        role="table"
        aria-label="Both logs aligned"
      >
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => (
            <LogRowPair
              key={item.key}
              row={alignment.rows[item.index]!}
              first={jumped && item.index === first}
              start={item.start}
              leftLines={l.lines}
              rightLines={r.lines}
            />
          ))}
        </div>
      </div>
      {!bothDone && first >= 0 && !loading && (
        <Button mt="xs" size="xs" variant="default" onClick={() => void search(2 * 2000)}>
          Read more lines
        </Button>
      )}
    </div>
  );
}

const total = (n: NodeRun) =>
  n.logCounts.DEBUG + n.logCounts.INFO + n.logCounts.WARN + n.logCounts.ERROR;
const lineNo = (i: number | null) => (i === null ? '–' : String(i + 1));

function LogRowPair({
  row,
  first,
  start,
  leftLines,
  rightLines,
}: {
  row: AlignedRow;
  first: boolean;
  start: number;
  leftLines: LogLine[];
  rightLines: LogLine[];
}) {
  const a = row.left === null ? null : leftLines[row.left];
  const b = row.right === null ? null : rightLines[row.right];
  return (
    <div
      className={classes.logRow}
      data-same={row.same}
      data-first={first || undefined}
      role="row"
      aria-current={first || undefined}
      style={{
        position: 'absolute',
        top: 0,
        left: 0,
        right: 0,
        height: ROW_PX,
        transform: `translateY(${start}px)`,
      }}
    >
      <span className={classes.logNo} role="cell">
        {lineNo(row.left)}
      </span>
      <span role="cell" className={a ? undefined : classes.gap} title={a?.log}>
        {a ? `${a.logLevel.padEnd(5)} ${a.log}` : ''}
      </span>
      <span className={classes.logNo} role="cell">
        {lineNo(row.right)}
      </span>
      <span role="cell" className={b ? undefined : classes.gap} title={b?.log}>
        {b ? `${b.logLevel.padEnd(5)} ${b.log}` : ''}
      </span>
    </div>
  );
}
