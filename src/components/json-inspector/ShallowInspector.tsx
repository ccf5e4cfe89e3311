import { Loader, UnstyledButton } from '@mantine/core';
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ShallowOutput } from '../../../contract/json-pointer';
import { copyText } from './clipboard';
import { InspectorToolbar } from './InspectorToolbar';
import { describeContainer, formatCount, formatPath, STRING_CHUNK } from './model';
import {
  mergePage,
  previewValue,
  sameValueRow,
  shallowRows,
  valueAt,
  type LoadedLevel,
  type ShallowRow,
} from './shallow-model';
import { INDENT, ROW_HEIGHT, rowStyle } from './TreeRow';
import panel from '../ScrollPanel.module.css';
import classes from './JsonInspector.module.css';
import { RowKey, rowKeyText } from './RowKey';
import { useVirtualRows } from './useVirtualRows';

/** What the whole output is needed for; the page then shows the full inspector. */
export interface FullRequest {
  search?: string;
  raw?: boolean;
  expandAll?: boolean;
}

export interface ShallowInspectorProps {
  /** The root's shallow read. */
  root: ShallowOutput;
  /** A page of the children of the value at `pointer`. */
  load: (pointer: string, offset: number) => Promise<ShallowOutput>;
  /** The whole output (for copying a container's value). */
  loadFull: () => Promise<unknown>;
  /** Search, Raw and Expand all need the whole output: the page switches to the full inspector. */
  onNeedFull: (request: FullRequest) => void;
  /** The whole output is on its way. */
  loadingFull?: boolean;
  rootPath: string;
  /** The search text asked for so far (typing it loads the whole output). */
  search?: string;
  label?: string;
  height?: number | string;
}

/**
 * A large output shown a level at a time: the root's keys with their kind, size or a preview
 * (read in PostgreSQL), a container's children fetched by JSON pointer when it is opened. What
 * needs all of it (search, Raw, Expand all) loads the whole output and hands over to
 * JsonInspector. Values are text, never HTML. Only the rows in view are in the DOM (as in
 * JsonInspector): every row loaded was, ~8 elements each, so after a few "Show more" a hover or a
 * scroll laid out tens of thousands of elements (long tasks of 0.3–2.4 s with 6 000 rows loaded).
 */
export function ShallowInspector({
  root,
  load,
  loadFull,
  onNeedFull,
  loadingFull = false,
  rootPath,
  search = '',
  label = 'Output',
  height = 480,
}: ShallowInspectorProps) {
  const [levels, setLevels] = useState<ReadonlyMap<string, LoadedLevel>>(
    () => new Map([['', { kind: root.kind, size: root.size, entries: root.entries }]]),
  );
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set(['']));
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [hovered, setHovered] = useState<ShallowRow | null>(null);
  const rows = useMemo(() => shallowRows(levels, expanded), [levels, expanded]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const getScrollElement = useCallback(() => scrollRef.current, []);
  const {
    rows: inView,
    totalHeight,
    scrollToRow,
  } = useVirtualRows(rows.length, ROW_HEIGHT, getScrollElement);
  // Roving focus by row index: the row to focus may not be rendered until it is scrolled to.
  const [focused, setFocused] = useState(0);
  const [focusRequest, setFocusRequest] = useState<{ index: number } | null>(null);
  // Keys step from the row last asked for, not from the row holding the focus: with a key held
  // down, the next press can come before the new row is rendered and focused.
  const focusedRef = useRef(0);
  const rowFocused = useCallback((index: number) => {
    focusedRef.current = index;
    setFocused(index);
  }, []);
  // The arrow keys step over "Show more" rows (a button, not a tree item) to the next value row.
  const moveFocus = useCallback(
    (step: 1 | -1) => {
      let index = focusedRef.current + step;
      while (rows[index]?.type === 'more') index += step;
      if (!rows[index]) return;
      rowFocused(index);
      setFocusRequest({ index });
    },
    [rows, rowFocused],
  );
  useEffect(() => {
    if (!focusRequest) return;
    scrollToRow(focusRequest.index, 'nearest');
    // Scrolled into the tree's view above; focus() also brings it into the window's.
    const frame = requestAnimationFrame(() => {
      scrollRef.current
        ?.querySelector<HTMLElement>(`[data-index="${focusRequest.index}"]`)
        ?.focus();
    });
    return () => cancelAnimationFrame(frame);
  }, [focusRequest, scrollToRow]);
  // One tab stop: the focused row, or the first rendered one when it was scrolled away.
  const tabbableIndex = inView.some((r) => r.index === focused) ? focused : inView[0]?.index;

  const fetchPage = (pointer: string, offset: number) => {
    load(pointer, offset).then(
      (page) =>
        setLevels((prev) => {
          const merged = mergePage(prev.get(pointer), page, offset);
          if (!merged) return prev;
          return new Map(prev).set(pointer, merged);
        }),
      (err: unknown) => setError(err instanceof Error ? err.message : String(err)),
    );
  };

  // An open container whose children are not here yet is fetched.
  const pending = rows.filter((r) => r.type === 'value' && r.loading).map((r) => r.pointer);
  const pendingKey = pending.join('\n');
  useEffect(() => {
    for (const pointer of pendingKey ? pendingKey.split('\n') : []) fetchPage(pointer, 0);
    // fetchPage only reads its arguments and setters.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [pendingKey]);

  // Stable handlers, so that a page of children appended or a row hovered renders only the
  // rows that changed (see ValueRow's memo), not every loaded row.
  const toggle = useCallback(
    (row: ValueRowData) =>
      setExpanded((prev) => {
        const next = new Set(prev);
        if (!next.delete(row.pointer)) next.add(row.pointer);
        return next;
      }),
    [],
  );
  const tell = useCallback((message: string) => {
    setNotice(message);
    setTimeout(() => setNotice((shown) => (shown === message ? null : shown)), 2500);
  }, []);
  const pathOf = (row: ValueRowData) => formatPath(rootPath, row.segments);
  const copyPath = useCallback(
    (row: ValueRowData) => {
      const path = formatPath(rootPath, row.segments);
      void copyText(path).then(() => tell(`Copied ${path}`));
    },
    [rootPath, tell],
  );
  const copyValue = useCallback(
    (row: ValueRowData) =>
      void (async () => {
        const shown = previewValue(row);
        let value: unknown;
        if (shown.complete) value = shown.value;
        else {
          setNotice('Loading the value…');
          value = valueAt(await loadFull(), row.segments);
        }
        await copyText(
          typeof value === 'string' ? value : (JSON.stringify(value, null, 2) ?? 'null'),
        );
        tell(`Copied value of ${formatPath(rootPath, row.segments)}`);
      })(),
    [rootPath, loadFull, tell],
  );

  const footer =
    notice ??
    (hovered?.type === 'value'
      ? pathOf(hovered)
      : loadingFull
        ? 'Loading the whole output…'
        : `Large output (${formatCount(root.storedBytes)} bytes stored): shown a level at a time; search, Raw and Expand all load all of it`);

  return (
    <div className={panel.panel} style={{ height }}>
      <InspectorToolbar
        raw={false}
        onRawChange={() => onNeedFull({ raw: true })}
        expanding={loadingFull}
        onExpandAll={() => onNeedFull({ expandAll: true })}
        onCollapseAll={() => setExpanded(new Set(['']))}
        label={label}
        query={search}
        onQueryChange={(q) => onNeedFull({ search: q })}
        counter={null}
        noMatches={false}
        onStep={() => undefined}
      />
      <div
        ref={scrollRef}
        className={panel.scroller}
        role="tree"
        aria-label={label}
        aria-busy={loadingFull || undefined}
        onMouseLeave={() => setHovered(null)}
      >
        <div style={{ height: totalHeight, position: 'relative' }}>
          {inView.map(({ index, top }) => {
            const row = rows[index];
            if (!row) return null;
            return row.type === 'more' ? (
              <div
                key={`${row.pointer}…`}
                className={classes.row}
                style={rowStyle(top, row.depth, INDENT)}
                role="none"
                data-index={index}
              >
                <UnstyledButton
                  className={classes.action}
                  onClick={() => fetchPage(row.pointer, row.loaded)}
                >
                  Show more ({formatCount(row.size - row.loaded)} of {formatCount(row.size)} not
                  shown)
                </UnstyledButton>
              </div>
            ) : (
              <ValueRow
                key={row.pointer || '/'}
                row={row}
                index={index}
                top={top}
                tabbable={index === tabbableIndex}
                rootPath={rootPath}
                onToggle={toggle}
                onHover={setHovered}
                onFocusRow={rowFocused}
                onMove={moveFocus}
                onCopyPath={copyPath}
                onCopyValue={copyValue}
              />
            );
          })}
        </div>
        {error && (
          <div className={classes.row} style={{ position: 'relative' }} role="alert">
            Couldn’t load: {error}
          </div>
        )}
      </div>
      <div className={classes.footer} aria-live="polite">
        {footer}
      </div>
    </div>
  );
}

type ValueRowData = Extract<ShallowRow, { type: 'value' }>;

interface ValueRowProps {
  row: ValueRowData;
  index: number;
  top: number;
  tabbable: boolean;
  rootPath: string;
  onToggle: (row: ValueRowData) => void;
  onHover: (row: ValueRowData) => void;
  /** The row got the focus (it becomes the tree's tab stop). */
  onFocusRow: (index: number) => void;
  /** Move the focus to the next (1) or previous (-1) row, scrolled into view. */
  onMove: (step: 1 | -1) => void;
  onCopyPath: (row: ValueRowData) => void;
  onCopyValue: (row: ValueRowData) => void;
}

/**
 * A row renders again only when what it shows changed: shallowRows builds new row objects on
 * every change, and re-rendering every loaded row (thousands after a few "Show more") on each
 * page or hover kept a slow machine's main thread busy for seconds.
 */
const ValueRow = memo(
  ValueRowView,
  (a: ValueRowProps, b: ValueRowProps) =>
    a.index === b.index &&
    a.top === b.top &&
    a.tabbable === b.tabbable &&
    a.rootPath === b.rootPath &&
    a.onToggle === b.onToggle &&
    a.onHover === b.onHover &&
    a.onFocusRow === b.onFocusRow &&
    a.onMove === b.onMove &&
    a.onCopyPath === b.onCopyPath &&
    a.onCopyValue === b.onCopyValue &&
    sameValueRow(a.row, b.row),
);

function ValueRowView({
  row,
  index,
  top,
  tabbable,
  rootPath,
  onToggle,
  onHover,
  onFocusRow,
  onMove,
  onCopyPath,
  onCopyValue,
}: ValueRowProps) {
  const keyText = rowKeyText(row.key, rootPath);
  const container = row.kind === 'object' || row.kind === 'array';
  const valueText = container
    ? describeContainer(row.kind as 'object' | 'array', row.size ?? 0)
    : (row.preview ?? 'null').slice(0, STRING_CHUNK) +
      (row.length !== undefined || (row.preview?.length ?? 0) > STRING_CHUNK ? '…' : '');
  return (
    <div
      className={classes.row}
      style={rowStyle(top, row.depth)}
      role="treeitem"
      aria-level={row.depth + 1}
      aria-expanded={row.expandable ? row.expanded : undefined}
      aria-label={`${keyText}: ${valueText.slice(0, 120)}`}
      data-index={index}
      // One tab stop; the arrow keys move between rows.
      tabIndex={tabbable ? 0 : -1}
      onFocus={(event) => {
        if (event.target === event.currentTarget) onFocusRow(index);
      }}
      onMouseEnter={() => onHover(row)}
      onClick={(event) => {
        if ((event.target as HTMLElement).closest('button')) return;
        if (row.expandable) onToggle(row);
      }}
      onKeyDown={(event) => {
        if (event.target !== event.currentTarget) return;
        if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
          event.preventDefault();
          onMove(event.key === 'ArrowDown' ? 1 : -1);
          return;
        }
        if (!row.expandable) return;
        if (
          event.key === 'Enter' ||
          event.key === ' ' ||
          (event.key === 'ArrowRight' && !row.expanded) ||
          (event.key === 'ArrowLeft' && row.expanded)
        ) {
          event.preventDefault();
          onToggle(row);
        }
      }}
    >
      <RowKey rowKey={row.key} expandable={row.expandable} expanded={row.expanded}>
        {keyText}
      </RowKey>
      <span className={classes.punct}>: </span>
      <span className={container ? classes.summary : classes[row.kind]}>{valueText}</span>
      {row.length !== undefined && (
        <span className={classes.more}>{formatCount(row.length)} chars</span>
      )}
      {row.loading && <Loader size={10} ml={6} aria-label="Loading" />}
      <span className={classes.actions}>
        <UnstyledButton className={classes.action} onClick={() => onCopyPath(row)}>
          Copy path
        </UnstyledButton>
        <UnstyledButton className={classes.action} onClick={() => onCopyValue(row)}>
          Copy value
        </UnstyledButton>
      </span>
    </div>
  );
}
