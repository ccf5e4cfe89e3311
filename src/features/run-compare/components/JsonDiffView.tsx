import { Group, Text } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef } from 'react';
import type { DiffRow, JsonDiff } from '../model';
import classes from './Compare.module.css';

const ROW_PX = 24;
const MAX_PX = 420;
const KIND_LABEL = { same: '', added: 'added', removed: 'removed', changed: 'changed' } as const;

interface Props {
  diff: JsonDiff;
  label: string;
  /** Rows shown before the diff's (e.g. the related entity). */
  extraRows?: DiffRow[];
  emptyText: string;
  /** Only the rows in view are in the DOM: a 10 MB output diff stays light. */
  virtual?: boolean;
}

function Row({ row, style }: { row: DiffRow; style?: React.CSSProperties }) {
  return (
    <div
      className={classes.diffRow}
      data-kind={row.kind}
      style={{ height: ROW_PX, ...style }}
      role="row"
      aria-label={`${row.path || '(root)'} ${KIND_LABEL[row.kind]}`.trim()}
    >
      <span role="cell" title={row.path}>
        {row.path || '(root)'}
      </span>
      <span role="cell" title={row.left}>
        {row.left ?? ''}
      </span>
      <span role="cell" title={row.right}>
        {row.right ?? ''}
      </span>
    </div>
  );
}

/** A structural diff as three columns (path, A, B); values are text, never HTML. */
export function JsonDiffView({ diff, label, extraRows = [], emptyText, virtual = false }: Props) {
  const rows = [...extraRows, ...diff.rows];
  const differences = diff.added + diff.removed + diff.changed;
  const scroller = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- read during render on purpose; nothing here is memoized by the compiler
  const virtualizer = useVirtualizer({
    count: virtual ? rows.length : 0,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_PX,
    overscan: 12,
  });
  return (
    <div>
      <Group gap="md" mb={6}>
        <Text size="xs" c="dimmed">
          {differences === 0
            ? emptyText
            : `${diff.changed} changed, ${diff.added} added, ${diff.removed} removed`}
        </Text>
      </Group>
      {rows.length > 0 && (
        <div
          className={classes.diffScroller}
          ref={scroller}
          style={{ maxHeight: MAX_PX }}
          role="table"
          aria-label={`Differences of ${label}`}
        >
          <div
            className={`${classes.diffRow} ${classes.diffHead}`}
            role="row"
            style={{ height: ROW_PX }}
          >
            <span role="columnheader">path</span>
            <span role="columnheader">A</span>
            <span role="columnheader">B</span>
          </div>
          {virtual ? (
            <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
              {virtualizer.getVirtualItems().map((item) => (
                <Row
                  key={item.key}
                  row={rows[item.index]!}
                  style={{
                    position: 'absolute',
                    top: 0,
                    left: 0,
                    right: 0,
                    transform: `translateY(${item.start}px)`,
                  }}
                />
              ))}
            </div>
          ) : (
            rows.map((row, i) => <Row key={i} row={row} />)
          )}
        </div>
      )}
    </div>
  );
}
