import { Alert, Button, Loader, TextInput } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
  type KeyboardEvent,
} from 'react';
import { LOG_LEVELS, type LogCounts, type LogLevel } from '../../../contract/workflows';
import type { LogViewState } from '../../lib/log-search';
import { LEVEL_COLORS, LogRow } from './LogRow';
import classes from './LogViewer.module.css';
import {
  MAX_FETCH,
  formatLine,
  matchLabel,
  normalizeLevels,
  stepMatch,
  toggleLevel,
} from './model';
import { ScaledScroller, observeScrollerRect } from './scaled-scroller';
import { logView, sourceKey, type LogSource, type LogView } from './store';

export interface LogViewerProps {
  /** Which log: one node run, or every node run of a workflow run (GET /v1/workflows/runs/{wfr}/logs). */
  source: LogSource;
  /** True while lines may still arrive (node run / run IN_PROGRESS): poll by cursor; false: fetch what's needed, never poll. */
  live: boolean;
  /** Per-level totals for the chips (nodeRun.logCounts, or summed over node runs). */
  counts?: LogCounts;
  /** For the all-nodes view: node run identifier -> node title shown on each line. */
  nodeLabels?: Record<string, string>;
  /** Controlled: the page keeps this in the URL (?level=ERROR&q=…&line=…&wrap=1&follow=1). */
  state: LogViewState;
  onStateChange: (patch: Partial<LogViewState>) => void;
  height?: number | string;
}

const ROW_HEIGHT = 20;
const BASE_STEP_PX = 1_000_000;
const POLL_MS = 1500;
const SEARCH_DEBOUNCE_MS = 250;
/** Rows fetched beyond each edge of the viewport, so short scrolls find lines already there. */
const PREFETCH_ROWS = 100;
const PREFETCH_DELAY_MS = 300;

const noSubscribe = () => () => {};
const noVersion = () => 0;

function useViewVersion(view: LogView | null) {
  return useSyncExternalStore(view?.subscribe ?? noSubscribe, view?.getSnapshot ?? noVersion);
}

/** While `live`, polls every POLL_MS (not in hidden tabs); when it stops being live, once more. */
function usePolling(view: LogView, matches: LogView | null, live: boolean) {
  const wasLive = useRef(live);
  useEffect(() => {
    const active = matches ? [view, matches] : [view];
    if (!live) {
      if (wasLive.current) for (const v of active) void v.poll();
      wasLive.current = false;
      return;
    }
    wasLive.current = true;
    const tick = () => {
      if (!document.hidden) for (const v of active) void v.poll();
    };
    const timer = setInterval(tick, POLL_MS);
    document.addEventListener('visibilitychange', tick);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', tick);
    };
  }, [view, matches, live]);
}

interface MatchNav {
  key: string;
  current: number | null;
  seq: number | null;
}

/**
 * A virtualized, paged view of one log (a node run, or all node runs of a run): level chips,
 * search with next/previous across the whole log, wrap, copy, deep link to a line and follow.
 */
export function LogViewer({
  source,
  live,
  counts,
  nodeLabels,
  state,
  onStateChange,
  height = 480,
}: LogViewerProps) {
  const key = sourceKey(source);
  const levelsKey = normalizeLevels(state.levels).join(',');
  // The parent may pass a new source object each render; the view depends on its identity only.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const stableSource = useMemo(() => source, [key]);
  const view = useMemo(
    () => logView(stableSource, { levels: parseLevels(levelsKey), q: '' }),
    [stableSource, levelsKey],
  );
  const matches = useMemo(
    () => (state.q ? logView(stableSource, { levels: parseLevels(levelsKey), q: state.q }) : null),
    [stableSource, levelsKey, state.q],
  );
  const version = useViewVersion(view);
  useViewVersion(matches);
  usePolling(view, matches, live);

  const stateRef = useRef(state);
  const liveRef = useRef(live);
  useLayoutEffect(() => {
    stateRef.current = state;
    liveRef.current = live;
  });

  // ---- the list ----
  const [scroller, setScroller] = useState<ScaledScroller | null>(null);
  const scrollRef = useCallback((el: HTMLDivElement | null) => {
    setScroller(el ? new ScaledScroller(el) : null);
  }, []);
  const total = view.total ?? 0;
  // The virtualizer's functions change identity; rows get plain values, so memoizing is safe.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer<HTMLElement, HTMLDivElement>({
    count: total,
    // The stand-in scales scroll offsets past the browser's height cap (see ScaledScroller).
    getScrollElement: () => scroller as unknown as HTMLElement | null,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    observeElementRect: observeScrollerRect,
  });
  const virtualTotal = virtualizer.getTotalSize();
  const realTotal = scroller ? scroller.fit(virtualTotal) : virtualTotal;
  const ratio = scroller?.ratio ?? 1;
  const shift = (virtualizer.scrollOffset ?? 0) * (1 - 1 / ratio);
  const items = virtualizer.getVirtualItems();
  // Rows sit relative to a coarse base so no transform reaches the browser's layout limit, and
  // the base changes rarely enough that scrolling does not re-render every row.
  const base = Math.floor((items[0]?.start ?? 0) / BASE_STEP_PX) * BASE_STEP_PX;
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? -1;

  useEffect(() => {
    virtualizer.measure();
  }, [virtualizer, view, state.wrap]);

  useEffect(() => {
    if (view.total === null || last < 0) return;
    void view.ensureRange(Math.max(0, first - PREFETCH_ROWS), last + PREFETCH_ROWS);
  }, [view, first, last, version]);

  // Scrolls wait until the list has as many rows as the target needs.
  const pending = useRef<{ index: number; align: 'start' | 'center' | 'end' } | null>(null);
  const scrollToPosition = useCallback(
    (index: number, align: 'start' | 'center' | 'end') => {
      pending.current = { index, align };
      if (index < virtualizer.options.count) {
        virtualizer.scrollToIndex(index, { align });
        pending.current = null;
      }
    },
    [virtualizer],
  );
  useLayoutEffect(() => {
    const target = pending.current;
    if (target && target.index < total) {
      virtualizer.scrollToIndex(target.index, { align: target.align });
      pending.current = null;
    }
  });

  // Open at the deep-linked line, at the end when following a live log, else at the top.
  useEffect(() => {
    let cancelled = false;
    const { line, follow } = stateRef.current;
    void (async () => {
      if (line !== null) {
        const position = await view.positionOfSeq(line);
        if (!cancelled && position !== null) scrollToPosition(position, 'center');
      } else if (follow && liveRef.current) {
        await view.open('tail');
        if (!cancelled && view.total) scrollToPosition(view.total - 1, 'end');
      } else {
        await view.open('head');
        if (!cancelled) scrollToPosition(0, 'start');
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [view, scrollToPosition]);

  // Each level's first page is fetched in the background, so a chip toggles from memory.
  const presentLevels = LOG_LEVELS.filter((l) => (counts?.[l] ?? 0) > 0).join(',');
  useEffect(() => {
    if (!presentLevels) return;
    const timer = setTimeout(() => {
      for (const level of parseLevels(presentLevels)) {
        void logView(stableSource, { levels: [level], q: '' }).open('head');
      }
    }, PREFETCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [stableSource, presentLevels]);

  // ---- follow ----
  const following = state.follow && live;
  useEffect(() => {
    if (following && total > 0) scrollToPosition(total - 1, 'end');
  }, [following, total, scrollToPosition]);

  const jumpToEnd = useCallback(async () => {
    if (view.total === null) await view.open('tail');
    const end = view.total ?? 0;
    if (end > 0) {
      await view.lineAtAsync(end - 1);
      scrollToPosition(end - 1, 'end');
    }
    if (liveRef.current && !stateRef.current.follow) onStateChange({ follow: true });
  }, [view, scrollToPosition, onStateChange]);

  // The person scrolling up lets go of the bottom; our own scrolls never do.
  const userIntent = useRef(false);
  const releaseFollow = useCallback(() => {
    if (stateRef.current.follow) onStateChange({ follow: false });
  }, [onStateChange]);
  const onWheel = (e: React.WheelEvent) => {
    if (e.deltaY < 0) releaseFollow();
  };
  const onListKeyDown = (e: KeyboardEvent) => {
    if (['ArrowUp', 'PageUp', 'Home'].includes(e.key)) releaseFollow();
  };
  const onScroll = () => {
    if (!userIntent.current || !scroller) return;
    const el = scroller.el;
    if (el.scrollHeight - el.scrollTop - el.clientHeight > ROW_HEIGHT * 2) releaseFollow();
  };

  // ---- search ----
  const matchesKey = matches ? `${key}|${levelsKey}|${state.q}` : '';
  const [nav, setNav] = useState<MatchNav>({ key: '', current: null, seq: null });
  const current = nav.key === matchesKey ? nav.current : null;
  const activeSeq = nav.key === matchesKey ? nav.seq : null;
  const matchTotal = matches?.total ?? null;
  const navToken = useRef(0);

  const goToMatch = useCallback(
    async (index: number) => {
      if (!matches) return;
      const token = ++navToken.current;
      const line = await matches.lineAtAsync(index);
      if (!line || token !== navToken.current) return;
      setNav({ key: matchesKey, current: index, seq: line.seq });
      if (stateRef.current.follow) onStateChange({ follow: false });
      const position = await view.positionOfSeq(line.seq);
      if (position !== null && token === navToken.current) scrollToPosition(position, 'center');
    },
    [matches, matchesKey, view, scrollToPosition, onStateChange],
  );
  const step = useCallback(
    (direction: 1 | -1) => {
      const next = stepMatch(current, matchTotal ?? 0, direction);
      if (next !== null) void goToMatch(next);
    },
    [current, matchTotal, goToMatch],
  );

  // A new search opens on its first match; a deep link opened with a search keeps its line.
  const keepLinkedLine = useRef(state.line !== null);
  useEffect(() => {
    if (!matches) return;
    const stay = keepLinkedLine.current;
    keepLinkedLine.current = false;
    void matches.open('head').then(() => {
      if (matches.total && !stay) void goToMatch(0);
    });
  }, [matches, goToMatch]);

  const [draft, setDraft] = useState(state.q);
  const [draftFor, setDraftFor] = useState(state.q);
  if (draftFor !== state.q) {
    setDraftFor(state.q);
    setDraft(state.q);
  }
  useEffect(() => {
    if (draft === state.q) return;
    const timer = setTimeout(() => onStateChange({ q: draft }), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [draft, state.q, onStateChange]);
  const onSearchKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    if (draft !== state.q) onStateChange({ q: draft });
    else step(e.shiftKey ? -1 : 1);
  };

  // ---- copy ----
  const [copied, setCopied] = useState<string | null>(null);
  const copy = async () => {
    const label = (nodeRunId: string) => nodeLabels?.[nodeRunId];
    let text: string;
    let what: string;
    const selected = state.line !== null ? await findLine(view, state.line) : undefined;
    if (selected) {
      text = formatLine(selected, label(selected.nodeRunIdentifier));
      what = `line ${selected.seq}`;
    } else {
      const end = view.total ?? 0;
      const [from, to] = end <= MAX_FETCH ? [0, end - 1] : [first, last];
      if (end <= MAX_FETCH) await view.ensureRange(0, end - 1);
      const lines: string[] = [];
      for (let i = from; i <= to; i++) {
        const l = view.lineAt(i);
        if (l) lines.push(formatLine(l, label(l.nodeRunIdentifier)));
      }
      text = lines.join('\n');
      what = `${lines.length} lines`;
    }
    try {
      await navigator.clipboard.writeText(text);
      setCopied(`Copied ${what}`);
    } catch {
      setCopied('Copy failed');
    }
    setTimeout(() => setCopied(null), 2000);
  };

  const selectLine = useCallback((seq: number) => onStateChange({ line: seq }), [onStateChange]);

  return (
    <div className={classes.root} style={{ height }}>
      <div className={classes.toolbar}>
        <div role="group" aria-label="Levels" style={{ display: 'flex', gap: 4 }}>
          {LOG_LEVELS.map((level) => {
            const pressed = state.levels.includes(level);
            const count = counts?.[level];
            return (
              <Button
                key={level}
                size="compact-xs"
                color={LEVEL_COLORS[level]}
                variant={pressed ? 'filled' : 'light'}
                aria-pressed={pressed}
                aria-label={count === undefined ? level : `${level} ${count}`}
                onClick={() => onStateChange({ levels: toggleLevel(state.levels, level) })}
              >
                {level}
                {count !== undefined && (
                  <span style={{ marginLeft: 6, opacity: 0.8 }}>
                    {count.toLocaleString('en-US')}
                  </span>
                )}
              </Button>
            );
          })}
        </div>
        <TextInput
          size="xs"
          placeholder="Search logs"
          aria-label="Search logs"
          value={draft}
          onChange={(e) => setDraft(e.currentTarget.value)}
          onKeyDown={onSearchKeyDown}
          style={{ flex: '1 1 160px', maxWidth: 320 }}
        />
        <Button
          size="compact-xs"
          variant="default"
          aria-label="Previous match"
          disabled={!matchTotal}
          onClick={() => step(-1)}
        >
          ↑
        </Button>
        <Button
          size="compact-xs"
          variant="default"
          aria-label="Next match"
          disabled={!matchTotal}
          onClick={() => step(1)}
        >
          ↓
        </Button>
        {matches && (
          <span aria-live="polite" style={{ fontSize: 12, minWidth: '7ch' }}>
            {matchTotal === null ? <Loader size={12} /> : matchLabel(current, matchTotal)}
          </span>
        )}
        <div style={{ marginLeft: 'auto', display: 'flex', gap: 4 }}>
          <Button
            size="compact-xs"
            variant={state.wrap ? 'filled' : 'default'}
            aria-pressed={state.wrap}
            onClick={() => onStateChange({ wrap: !state.wrap })}
          >
            Wrap lines
          </Button>
          <Button
            size="compact-xs"
            variant="default"
            aria-label="Copy logs"
            onClick={() => void copy()}
          >
            {copied ?? 'Copy logs'}
          </Button>
          {live && (
            <Button
              size="compact-xs"
              variant={state.follow ? 'filled' : 'default'}
              aria-pressed={state.follow}
              onClick={() => {
                if (state.follow) onStateChange({ follow: false });
                else void jumpToEnd();
              }}
            >
              Follow
            </Button>
          )}
          <Button size="compact-xs" variant="default" onClick={() => void jumpToEnd()}>
            Jump to end
          </Button>
        </div>
      </div>
      {view.error && (
        <Alert color="red" variant="light" p="xs" radius={0}>
          Could not load log lines: {view.error.message}{' '}
          <Button size="compact-xs" variant="light" color="red" onClick={() => void view.poll()}>
            Retry
          </Button>
        </Alert>
      )}
      <div
        ref={scrollRef}
        role="region"
        aria-label="Log lines"
        tabIndex={0}
        className={classes.scroller}
        onWheel={onWheel}
        onKeyDown={onListKeyDown}
        onPointerDown={() => (userIntent.current = true)}
        onPointerUp={() => (userIntent.current = false)}
        onScroll={onScroll}
      >
        {view.total === null ? (
          <div className={classes.message}>
            <Loader size="sm" />
          </div>
        ) : total === 0 ? (
          <div className={classes.message}>
            {levelsKey ? 'No lines at the selected levels' : 'No log lines yet'}
          </div>
        ) : (
          <div
            role="table"
            aria-label="Log"
            aria-rowcount={total}
            className={classes.spacer}
            style={{ height: realTotal }}
          >
            <div className={classes.rows} style={{ transform: `translateY(${base - shift}px)` }}>
              {items.map((item) => {
                const line = view.lineAt(item.index);
                const seq = line?.seq ?? (levelsKey ? undefined : item.index + 1);
                return (
                  <LogRow
                    key={item.key}
                    position={item.index}
                    start={item.start - base}
                    line={line}
                    seq={seq}
                    nodeLabel={
                      nodeLabels && line ? (nodeLabels[line.nodeRunIdentifier] ?? '') : undefined
                    }
                    q={state.q}
                    wrap={state.wrap}
                    selected={seq !== undefined && seq === state.line}
                    activeMatch={seq !== undefined && seq === activeSeq}
                    onSelectLine={selectLine}
                    measureRef={state.wrap ? virtualizer.measureElement : undefined}
                  />
                );
              })}
            </div>
          </div>
        )}
      </div>
    </div>
  );
}

const parseLevels = (key: string) => (key ? (key.split(',') as LogLevel[]) : []);

async function findLine(view: LogView, seq: number) {
  const position = await view.positionOfSeq(seq);
  if (position === null) return undefined;
  const line = await view.lineAtAsync(position);
  return line?.seq === seq ? line : undefined;
}
