import { Button, Group, TextInput, UnstyledButton } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { copyText } from './clipboard';
import { Highlighted } from './Highlighted';
import {
  describeContainer,
  formatCount,
  formatPath,
  isLongString,
  JsonTree,
  linkToSegments,
  nodeDisplay,
  nodePath,
  searchJson,
  STRING_CHUNK,
  type Row,
  type SearchMatch,
  type TreeNode,
} from './model';
import { RawView } from './RawView';
import { isAbort, runSliced } from './scheduler';
import { useVirtualRows } from './useVirtualRows';
import classes from './JsonInspector.module.css';

export interface JsonInspectorProps {
  value: unknown;
  /** Template path of the root, e.g. '.outputs' for variables.outputs or '.outputs.create_resource' for a node's output; "copy path" prepends it. */
  rootPath: string;
  /** Optional controlled search text (the page may keep it in the URL). */
  search?: string;
  onSearchChange?: (q: string) => void;
  height?: number | string;
  /** Accessible name of the tree ("Output" by default); the search box is "Search <label>". */
  label?: string;
}

const ROW_HEIGHT = 22;
const INDENT = 16;

interface SearchState {
  tree: JsonTree;
  query: string;
  matches: SearchMatch[];
  count: number;
  done: boolean;
  current: number;
}

export function JsonInspector({
  value,
  rootPath,
  search,
  onSearchChange,
  height = 480,
  label = 'Output',
}: JsonInspectorProps) {
  const tree = useMemo(() => new JsonTree(value), [value]);
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const [raw, setRaw] = useState(false);
  const [expanding, setExpanding] = useState(false);
  const [focused, setFocused] = useState(0);
  const [hovered, setHovered] = useState<number | null>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const [scrollRequest, setScrollRequest] = useState<{ index: number; focus: boolean } | null>(
    null,
  );
  const scrollRef = useRef<HTMLDivElement>(null);

  const [ownQuery, setOwnQuery] = useState('');
  const query = search ?? ownQuery;
  const setQuery = (q: string) => {
    if (search === undefined) setOwnQuery(q);
    onSearchChange?.(q);
  };
  const [searchedQuery] = useDebouncedValue(query.trim(), 150);
  const [searchState, setSearchState] = useState<SearchState | null>(null);

  // Totals for "expand all" are counted in the background, so the button is instant later.
  useEffect(() => {
    const controller = new AbortController();
    runSliced(tree.prepareExpandAll(), controller.signal).catch((error: unknown) => {
      if (!isAbort(error)) throw error;
    });
    return () => controller.abort();
  }, [tree]);

  const revealMatch = useCallback(
    (match: SearchMatch | undefined) => {
      if (!match) return;
      const node = tree.reveal(linkToSegments(match.path));
      if (!node) return;
      rerender();
      setScrollRequest({ index: tree.indexOf(node), focus: false });
    },
    [tree],
  );

  useEffect(() => {
    if (searchedQuery === '') return;
    const controller = new AbortController();
    const matches: SearchMatch[] = [];
    let revealed = false;
    const publish = (done: boolean) => {
      setSearchState((previous) => ({
        tree,
        query: searchedQuery,
        matches,
        count: matches.length,
        done,
        current:
          previous && previous.tree === tree && previous.query === searchedQuery
            ? previous.current
            : 0,
      }));
      if (!revealed && matches.length > 0) {
        revealed = true;
        revealMatch(matches[0]);
      }
    };
    runSliced(searchJson(value, searchedQuery, matches), controller.signal, () =>
      publish(false),
    ).then(
      () => publish(true),
      (error: unknown) => {
        if (!isAbort(error)) throw error;
      },
    );
    return () => controller.abort();
  }, [tree, value, searchedQuery, revealMatch]);

  const activeSearch =
    searchedQuery !== '' && searchState?.tree === tree && searchState.query === searchedQuery
      ? searchState
      : null;
  const currentMatch = activeSearch?.matches[activeSearch.current];
  const currentNode = currentMatch ? tree.find(linkToSegments(currentMatch.path)) : null;

  const goToMatch = (delta: number) => {
    if (!activeSearch || activeSearch.count === 0) return;
    const current = (activeSearch.current + delta + activeSearch.count) % activeSearch.count;
    setSearchState({ ...activeSearch, current });
    revealMatch(activeSearch.matches[current]);
  };

  const rowCount = tree.rowCount;
  const getScrollElement = useCallback(() => scrollRef.current, []);
  const { rows, totalHeight, scrollToRow } = useVirtualRows(rowCount, ROW_HEIGHT, getScrollElement);

  useEffect(() => {
    if (!scrollRequest) return;
    scrollToRow(scrollRequest.index, scrollRequest.focus ? 'nearest' : 'center');
    if (!scrollRequest.focus) return;
    const frame = requestAnimationFrame(() => {
      scrollRef.current
        ?.querySelector<HTMLElement>(`[data-index="${scrollRequest.index}"]`)
        ?.focus({ preventScroll: true });
    });
    return () => cancelAnimationFrame(frame);
  }, [scrollRequest, scrollToRow]);

  const focusRow = (index: number) => {
    const clamped = Math.max(0, Math.min(rowCount - 1, index));
    setFocused(clamped);
    setScrollRequest({ index: clamped, focus: true });
  };

  const toggle = (node: TreeNode) => {
    tree.toggle(node);
    rerender();
  };

  const expandAll = async () => {
    if (!tree.expandAllReady) {
      setExpanding(true);
      try {
        await runSliced(tree.prepareExpandAll(), new AbortController().signal);
      } finally {
        setExpanding(false);
      }
    }
    tree.expandAll();
    rerender();
  };

  const collapseAll = () => {
    tree.collapseAll();
    setFocused(0);
    rerender();
    scrollToRow(0, 'nearest');
  };

  const copy = async (text: string, message: string) => {
    await copyText(text);
    setCopied(message);
    setTimeout(() => setCopied((shown) => (shown === message ? null : shown)), 2500);
  };

  const pathOf = (node: TreeNode) => formatPath(rootPath, nodePath(node));
  const copyPath = (node: TreeNode) => {
    const path = pathOf(node);
    void copy(path, `Copied ${path}`);
  };
  const copyValue = (node: TreeNode) => {
    const text =
      typeof node.value === 'string' ? node.value : (JSON.stringify(node.value, null, 2) ?? 'null');
    void copy(text, `Copied value of ${pathOf(node)}`);
  };

  const onKeyDown = (event: React.KeyboardEvent) => {
    if ((event.target as HTMLElement).getAttribute('role') !== 'treeitem') return;
    const row = tree.rowAt(Math.min(focused, rowCount - 1));
    const node = row.node;
    const expandable = row.line === 0 && tree.isExpandable(node);
    const expanded = expandable && tree.isExpanded(node);
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 0) / ROW_HEIGHT) - 1);
    const handlers: Record<string, () => void> = {
      ArrowDown: () => focusRow(focused + 1),
      ArrowUp: () => focusRow(focused - 1),
      PageDown: () => focusRow(focused + page),
      PageUp: () => focusRow(focused - page),
      Home: () => focusRow(0),
      End: () => focusRow(rowCount - 1),
      ArrowRight: () => {
        if (expandable && !expanded) toggle(node);
        else if (expanded) focusRow(focused + 1);
      },
      ArrowLeft: () => {
        if (row.line > 0) focusRow(tree.indexOf(node));
        else if (expanded) toggle(node);
        else if (node.parent) focusRow(tree.indexOf(node.parent));
      },
      Enter: () => expandable && toggle(node),
      ' ': () => expandable && toggle(node),
    };
    const handler = handlers[event.key];
    if (!handler) return;
    event.preventDefault();
    handler();
  };

  // Roving tabindex: the focused row, or the first rendered one when it was scrolled away.
  const tabbableIndex = rows.some((r) => r.index === focused) ? focused : rows[0]?.index;
  const footerIndex = hovered ?? focused;
  const footerRow = footerIndex < rowCount ? tree.rowAt(footerIndex) : null;
  const counter = activeSearch
    ? `${activeSearch.count === 0 ? 0 : activeSearch.current + 1} of ${formatCount(activeSearch.count)}${activeSearch.done ? '' : '…'}`
    : null;
  const highlight = activeSearch ? searchedQuery : '';

  return (
    <div className={classes.root} style={{ height }}>
      <Group className={classes.toolbar} gap="xs" wrap="nowrap">
        <Button
          size="compact-sm"
          variant="default"
          onClick={() => void expandAll()}
          loading={expanding}
          disabled={raw}
        >
          Expand all
        </Button>
        <Button size="compact-sm" variant="default" onClick={collapseAll} disabled={raw}>
          Collapse all
        </Button>
        <Button
          size="compact-sm"
          variant={raw ? 'filled' : 'default'}
          aria-pressed={raw}
          onClick={() => setRaw((r) => !r)}
        >
          Raw
        </Button>
        <TextInput
          size="xs"
          style={{ flex: 1, minWidth: 120 }}
          aria-label={`Search ${label.toLowerCase()}`}
          placeholder="Search keys and values"
          value={query}
          disabled={raw}
          onChange={(event) => setQuery(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key !== 'Enter') return;
            event.preventDefault();
            goToMatch(event.shiftKey ? -1 : 1);
          }}
        />
        {counter && !raw && (
          <>
            <span
              aria-live="polite"
              style={{ fontSize: 12, whiteSpace: 'nowrap', color: 'var(--mantine-color-dimmed)' }}
            >
              {counter}
            </span>
            <Button
              size="compact-sm"
              variant="subtle"
              aria-label="Previous match"
              onClick={() => goToMatch(-1)}
              disabled={activeSearch?.count === 0}
            >
              ↑
            </Button>
            <Button
              size="compact-sm"
              variant="subtle"
              aria-label="Next match"
              onClick={() => goToMatch(1)}
              disabled={activeSearch?.count === 0}
            >
              ↓
            </Button>
          </>
        )}
      </Group>
      {raw ? (
        <RawView value={value} label={label} />
      ) : (
        <div
          ref={scrollRef}
          className={classes.scroller}
          role="tree"
          aria-label={label}
          onKeyDown={onKeyDown}
          onMouseLeave={() => setHovered(null)}
        >
          <div style={{ height: totalHeight, position: 'relative' }}>
            {rows.map((item) => {
              const row = tree.rowAt(item.index);
              return (
                <TreeRow
                  key={item.index}
                  index={item.index}
                  top={item.top}
                  row={row}
                  tree={tree}
                  rootPath={rootPath}
                  query={highlight}
                  current={row.line === 0 && row.node === currentNode}
                  tabbable={item.index === tabbableIndex}
                  onFocus={() => setFocused(item.index)}
                  onHover={() => setHovered(item.index)}
                  onToggle={() => {
                    setFocused(item.index);
                    toggle(row.node);
                  }}
                  onCopyPath={() => copyPath(row.node)}
                  onCopyValue={() => copyValue(row.node)}
                />
              );
            })}
          </div>
        </div>
      )}
      <div className={classes.footer} aria-live="polite">
        {copied ?? (footerRow && !raw ? pathOf(footerRow.node) : '\u00a0')}
      </div>
    </div>
  );
}

interface TreeRowProps {
  index: number;
  top: number;
  row: Row;
  tree: JsonTree;
  rootPath: string;
  query: string;
  current: boolean;
  tabbable: boolean;
  onFocus: () => void;
  onHover: () => void;
  onToggle: () => void;
  onCopyPath: () => void;
  onCopyValue: () => void;
}

function TreeRow({
  index,
  top,
  row,
  tree,
  rootPath,
  query,
  current,
  tabbable,
  onFocus,
  onHover,
  onToggle,
  onCopyPath,
  onCopyValue,
}: TreeRowProps) {
  const { node, line } = row;
  const style = {
    height: ROW_HEIGHT,
    transform: `translateY(${top}px)`,
    paddingLeft: 4 + node.depth * INDENT,
  };
  if (line > 0) {
    const display = nodeDisplay(node);
    return (
      <div
        className={classes.row}
        style={{ ...style, paddingLeft: style.paddingLeft + INDENT * 2 }}
        role="none"
        data-index={index}
        onMouseEnter={onHover}
      >
        <span className={classes.string}>
          <Highlighted
            text={display.slice(line * STRING_CHUNK, (line + 1) * STRING_CHUNK)}
            query={query}
          />
        </span>
      </div>
    );
  }
  const expandable = tree.isExpandable(node);
  const expanded = expandable && tree.isExpanded(node);
  const keyText = node.key === null ? (rootPath === '' ? '.' : rootPath) : String(node.key);
  const valueText = describeValue(node, expanded);
  return (
    <div
      className={classes.row}
      style={style}
      role="treeitem"
      aria-level={node.depth + 1}
      aria-expanded={expandable ? expanded : undefined}
      aria-label={`${keyText}: ${valueText.slice(0, 120)}`}
      aria-selected={current}
      data-index={index}
      data-current={current || undefined}
      tabIndex={tabbable ? 0 : -1}
      onFocus={(event) => {
        if (event.target === event.currentTarget) onFocus();
      }}
      onMouseEnter={onHover}
      onClick={(event) => {
        if ((event.target as HTMLElement).closest('button')) return;
        event.currentTarget.focus();
        if (expandable && !window.getSelection()?.toString()) onToggle();
      }}
    >
      <span className={classes.chevron} data-expanded={expanded || undefined} aria-hidden>
        {expandable ? '▸' : ''}
      </span>
      <span
        className={
          node.key === null
            ? classes.rootLabel
            : typeof node.key === 'number'
              ? classes.index
              : classes.key
        }
      >
        {node.key === null || typeof node.key === 'number' ? (
          keyText
        ) : (
          <Highlighted text={keyText} query={query} />
        )}
      </span>
      <span className={classes.punct}>: </span>
      <ValueText node={node} text={valueText} query={query} expanded={expanded} />
      <span className={classes.actions}>
        <UnstyledButton
          className={classes.action}
          tabIndex={tabbable ? 0 : -1}
          onClick={onCopyPath}
        >
          Copy path
        </UnstyledButton>
        <UnstyledButton
          className={classes.action}
          tabIndex={tabbable ? 0 : -1}
          onClick={onCopyValue}
        >
          Copy value
        </UnstyledButton>
      </span>
    </div>
  );
}

function describeValue(node: TreeNode, expanded: boolean): string {
  if (node.kind === 'object' || node.kind === 'array')
    return describeContainer(node.kind, node.size);
  const display = nodeDisplay(node);
  return isLongString(node) && !expanded
    ? `${display.slice(0, STRING_CHUNK)}…`
    : display.slice(0, STRING_CHUNK);
}

function ValueText({
  node,
  text,
  query,
  expanded,
}: {
  node: TreeNode;
  text: string;
  query: string;
  expanded: boolean;
}) {
  if (node.kind === 'object' || node.kind === 'array') {
    return <span className={classes.summary}>{text}</span>;
  }
  const long = isLongString(node);
  return (
    <>
      <span className={classes[node.kind]}>
        <Highlighted text={text} query={query} />
      </span>
      {long && !expanded && (
        <span className={classes.more}>
          {formatCount(nodeDisplay(node).length)} chars, Enter or click shows all
        </span>
      )}
    </>
  );
}
