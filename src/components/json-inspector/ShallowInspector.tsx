import { Loader, UnstyledButton } from '@mantine/core';
import { memo, useCallback, useEffect, useMemo, useState } from 'react';
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
import { ROW_HEIGHT } from './TreeRow';
import classes from './JsonInspector.module.css';
import { RowKey, rowKeyText } from './RowKey';

const INDENT = 16;

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
 * JsonInspector. Values are text, never HTML.
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
    <div className={classes.root} style={{ height }}>
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
        className={classes.scroller}
        role="tree"
        aria-label={label}
        aria-busy={loadingFull || undefined}
        onMouseLeave={() => setHovered(null)}
      >
        {rows.map((row) =>
          row.type === 'more' ? (
            <div
              key={`${row.pointer}…`}
              className={classes.row}
              style={{
                position: 'relative',
                height: ROW_HEIGHT,
                paddingLeft: 20 + row.depth * INDENT,
              }}
              role="none"
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
              rootPath={rootPath}
              onToggle={toggle}
              onHover={setHovered}
              onCopyPath={copyPath}
              onCopyValue={copyValue}
            />
          ),
        )}
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

/** Moves the focus to the next or previous row of the tree. */
function focusSibling(row: HTMLElement, step: 1 | -1) {
  const rows = [
    ...(row.closest('[role=tree]')?.querySelectorAll<HTMLElement>('[role=treeitem]') ?? []),
  ];
  rows[rows.indexOf(row) + step]?.focus();
}

type ValueRowData = Extract<ShallowRow, { type: 'value' }>;

interface ValueRowProps {
  row: ValueRowData;
  rootPath: string;
  onToggle: (row: ValueRowData) => void;
  onHover: (row: ValueRowData) => void;
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
    a.rootPath === b.rootPath &&
    a.onToggle === b.onToggle &&
    a.onHover === b.onHover &&
    a.onCopyPath === b.onCopyPath &&
    a.onCopyValue === b.onCopyValue &&
    sameValueRow(a.row, b.row),
);

function ValueRowView({
  row,
  rootPath,
  onToggle,
  onHover,
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
      style={{ position: 'relative', height: ROW_HEIGHT, paddingLeft: 4 + row.depth * INDENT }}
      role="treeitem"
      aria-level={row.depth + 1}
      aria-expanded={row.expandable ? row.expanded : undefined}
      aria-label={`${keyText}: ${valueText.slice(0, 120)}`}
      // One tab stop (the root); the arrow keys move between rows.
      tabIndex={row.key === null ? 0 : -1}
      onMouseEnter={() => onHover(row)}
      onClick={(event) => {
        if ((event.target as HTMLElement).closest('button')) return;
        if (row.expandable) onToggle(row);
      }}
      onKeyDown={(event) => {
        if (event.target !== event.currentTarget) return;
        if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
          event.preventDefault();
          focusSibling(event.currentTarget, event.key === 'ArrowDown' ? 1 : -1);
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
