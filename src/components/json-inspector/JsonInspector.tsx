import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { copyText } from './clipboard';
import { InspectorToolbar } from './InspectorToolbar';
import { formatPath, JsonTree, nodePath, type TreeNode } from './model';
import { RawView } from './RawView';
import { isAbort, runSliced } from './scheduler';
import { ROW_HEIGHT, TreeRow } from './TreeRow';
import { useJsonSearch } from './useJsonSearch';
import { useVirtualRows } from './useVirtualRows';
import panel from '../ScrollPanel.module.css';
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
  /** Opens in the raw view, or with everything expanded (what a person asked for before the value arrived). */
  initialRaw?: boolean;
  initialExpandAll?: boolean;
  /** Focuses the search box on mount (a person was typing a search before the value arrived). */
  initialFocusSearch?: boolean;
}

/**
 * A virtualized JSON tree: expand/collapse all, search, copy a value or its template path, and
 * a raw view. Rows are computed on demand by JsonTree (model.ts), so a 10 MB output stays light.
 */
export function JsonInspector({
  value,
  rootPath,
  search,
  onSearchChange,
  height = 480,
  label = 'Output',
  initialRaw = false,
  initialExpandAll = false,
  initialFocusSearch = false,
}: JsonInspectorProps) {
  const tree = useMemo(() => new JsonTree(value), [value]);
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const [raw, setRaw] = useState(initialRaw);
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

  // Totals for "expand all" are counted in the background, so the button is instant later.
  useEffect(() => {
    const controller = new AbortController();
    runSliced(tree.prepareExpandAll(), controller.signal).catch((error: unknown) => {
      if (!isAbort(error)) throw error;
    });
    return () => controller.abort();
  }, [tree]);

  const onReveal = useCallback((index: number) => {
    rerender();
    setScrollRequest({ index, focus: false });
  }, []);
  const { activeSearch, currentNode, goToMatch, counter, highlight } = useJsonSearch(
    tree,
    value,
    query,
    onReveal,
  );

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

  const expandAllOnOpen = useRef(initialExpandAll);
  useEffect(() => {
    if (!expandAllOnOpen.current) return;
    expandAllOnOpen.current = false;
    void expandAll();
    // Once, on mount: expandAll reads the tree of this first render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

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

  return (
    <div className={panel.panel} style={{ height }}>
      <InspectorToolbar
        raw={raw}
        onRawChange={setRaw}
        expanding={expanding}
        onExpandAll={() => void expandAll()}
        onCollapseAll={collapseAll}
        label={label}
        query={query}
        onQueryChange={setQuery}
        counter={counter}
        noMatches={activeSearch?.count === 0}
        onStep={goToMatch}
        focusSearch={initialFocusSearch}
      />
      {raw ? (
        <RawView value={value} label={label} />
      ) : (
        <div
          ref={scrollRef}
          className={panel.scroller}
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
