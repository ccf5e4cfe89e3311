import { Alert, Button, Loader } from '@mantine/core';
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
import { linesToCopy } from './copy-lines';
import { downloadLog } from './download';
import { LogRow } from './LogRow';
import { LogToolbar } from './LogToolbar';
import panel from '../ScrollPanel.module.css';
import classes from './LogViewer.module.css';
import { normalizeLevels } from './model';
import { logView, maxCounts, sourceKey, type LogSource, type LogView } from './store';
import { ROW_HEIGHT, useLogList } from './use-log-list';
import { useLogPolling } from './use-log-polling';
import { useLogTail } from './use-log-tail';
import { useLogSearch } from './use-log-search';

export interface LogViewerProps {
  /** Which log: one node run, or every node run of a workflow run (GET /v1/workflows/runs/{wfr}/logs). */
  source: LogSource;
  /** True while lines may still arrive (node run / run IN_PROGRESS): poll by cursor; false: fetch what's needed, never poll. */
  live: boolean;
  /**
   * Per-level totals for the chips (nodeRun.logCounts, or summed over node runs); the counts the
   * log's own pages and stream carry win when newer (the run's poll may ignore line counts).
   */
  counts?: LogCounts;
  /** For the all-nodes view: node run identifier -> node title shown on each line. */
  nodeLabels?: Record<string, string>;
  /** Controlled: the page keeps this in the URL (?level=ERROR&q=…&line=…&wrap=1&follow=1). */
  state: LogViewState;
  onStateChange: (patch: Partial<LogViewState>) => void;
  height?: number | string;
}

const PREFETCH_DELAY_MS = 300;
/** How long the copy or download message stays. */
const NOTICE_MS = 6000;

const noSubscribe = () => () => {};
const noVersion = () => 0;

function useViewVersion(view: LogView | null) {
  return useSyncExternalStore(view?.subscribe ?? noSubscribe, view?.getSnapshot ?? noVersion);
}

/**
 * A virtualized, paged view of one log (a node run, or all node runs of a run): level chips,
 * search with next/previous across the whole log or only the matching lines (grep mode), wrap,
 * copy, download, deep link to a line and follow.
 */
export function LogViewer({
  source,
  live,
  counts: givenCounts,
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
  const levels = useMemo(() => parseLevels(levelsKey), [levelsKey]);
  const view = useMemo(() => logView(stableSource, { levels, q: '' }), [stableSource, levels]);
  const matches = useMemo(
    () => (state.q ? logView(stableSource, { levels, q: state.q }) : null),
    [stableSource, levels, state.q],
  );
  // Grep mode shows the matches view itself: the server's filtered lines, with their own numbers.
  const grepping = state.grep && matches !== null;
  const shown = grepping ? matches : view;
  useViewVersion(view);
  useViewVersion(matches);
  const version = useViewVersion(shown);
  const counts = view.counts ? maxCounts(givenCounts, view.counts) : givenCounts;
  // Following a node run streams its new lines; every other view polls (use-log-tail.ts).
  const tailing = useLogTail(view, state.follow && live && !state.q);
  useLogPolling(stableSource, levels, state.q, live && !tailing);

  const stateRef = useRef(state);
  const liveRef = useRef(live);
  useLayoutEffect(() => {
    stateRef.current = state;
    liveRef.current = live;
  });

  const {
    scrollRef,
    scroller,
    measureElement,
    total,
    items,
    base,
    shift,
    realTotal,
    scrollToPosition,
  } = useLogList(shown, version, state.wrap);

  // Open at the deep-linked line, at the end when following a live log, else at the top.
  useEffect(() => {
    let cancelled = false;
    const { line, follow } = stateRef.current;
    void (async () => {
      if (line !== null) {
        const position = await shown.positionOfSeq(line);
        if (!cancelled && position !== null) scrollToPosition(position, 'center');
      } else if (follow && liveRef.current) {
        await shown.open('tail');
        // A level's view opened at its head (the chips' prefetch) gets its end by one tail
        // request before the list asks for it, which would walk there from the head.
        if (shown.total) await shown.lineAtAsync(shown.total - 1);
        if (!cancelled && shown.total) scrollToPosition(shown.total - 1, 'end');
      } else {
        await shown.open('head');
        if (!cancelled) scrollToPosition(0, 'start');
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [shown, scrollToPosition]);

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
    if (shown.total === null) await shown.open('tail');
    const end = shown.total ?? 0;
    if (end > 0) {
      await shown.lineAtAsync(end - 1);
      scrollToPosition(end - 1, 'end');
    }
    if (liveRef.current && !stateRef.current.follow) onStateChange({ follow: true });
  }, [shown, scrollToPosition, onStateChange]);

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

  const search = useLogSearch({
    view: shown,
    matches,
    matchesKey: matches ? `${key}|${levelsKey}|${state.q}` : '',
    matchesOf: (q: string) => logView(stableSource, { levels, q }),
    state,
    stateRef,
    onStateChange,
    scrollToPosition,
  });

  // ---- copy and download ----
  const [notice, setNotice] = useState<string | null>(null);
  const noticeTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const tell = (message: string) => {
    setNotice(message);
    clearTimeout(noticeTimer.current);
    noticeTimer.current = setTimeout(() => setNotice(null), NOTICE_MS);
  };
  useEffect(() => () => clearTimeout(noticeTimer.current), []);
  const copy = async () => {
    try {
      const { text, message } = await linesToCopy(shown, nodeLabels);
      await navigator.clipboard.writeText(text);
      tell(message);
    } catch (err) {
      tell(`Copy failed${err instanceof Error ? `: ${err.message}` : ''}`);
    }
  };
  const download = async (filtered: boolean) => {
    try {
      await downloadLog(stableSource, filtered ? { levels, q: state.q } : null);
    } catch (err) {
      tell(`Download failed${err instanceof Error ? `: ${err.message}` : ''}`);
    }
  };

  const selectLine = useCallback((seq: number) => onStateChange({ line: seq }), [onStateChange]);

  return (
    <div className={`${panel.panel} ${classes.root}`} style={{ height }}>
      <LogToolbar
        state={state}
        onStateChange={onStateChange}
        counts={counts}
        live={live}
        draft={search.draft}
        onDraftChange={search.setDraft}
        onSearchKeyDown={search.onSearchKeyDown}
        search={
          matches
            ? { current: search.current, total: search.matchTotal, atLeast: search.matchAtLeast }
            : null
        }
        onStep={search.step}
        onCopy={() => void copy()}
        onDownload={(filtered) => void download(filtered)}
        onJumpToEnd={() => void jumpToEnd()}
      />
      {notice && (
        <div role="status" className={classes.notice}>
          {notice}
        </div>
      )}
      {shown.error && (
        <Alert color="red" variant="light" p="xs" radius={0}>
          Could not load log lines: {shown.error.message}{' '}
          <Button size="compact-xs" variant="light" color="red" onClick={() => void shown.poll()}>
            Retry
          </Button>
        </Alert>
      )}
      <div
        ref={scrollRef}
        role="region"
        aria-label="Log lines"
        tabIndex={0}
        className={`${panel.scroller} ${classes.scroller}`}
        onWheel={onWheel}
        onKeyDown={onListKeyDown}
        onPointerDown={() => (userIntent.current = true)}
        onPointerUp={() => (userIntent.current = false)}
        onScroll={onScroll}
      >
        {shown.total === null ? (
          <div className={classes.message}>
            <Loader size="sm" />
          </div>
        ) : total === 0 ? (
          <div className={classes.message}>
            {grepping
              ? 'No lines match the search'
              : levelsKey
                ? 'No lines at the selected levels'
                : live
                  ? 'No log lines yet'
                  : 'No log lines'}
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
                const line = shown.lineAt(item.index);
                const seq = line?.seq ?? (levelsKey || grepping ? undefined : item.index + 1);
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
                    activeMatch={seq !== undefined && seq === search.activeSeq}
                    onSelectLine={selectLine}
                    measureRef={measureElement}
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
