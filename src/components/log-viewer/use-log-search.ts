import {
  useCallback,
  useEffect,
  useRef,
  useState,
  type KeyboardEvent,
  type RefObject,
} from 'react';
import type { LogViewState } from '../../lib/log-search';
import { stepMatch } from './model';
import type { LogView } from './store';
import type { Align } from './use-log-list';

/**
 * Typing pauses this long before a search starts (Enter starts it at once): short enough not to
 * be felt, long enough that a word typed at speed is one search, not one per letter. A search
 * left behind by the next one has its requests cancelled.
 */
const SEARCH_DEBOUNCE_MS = 100;

interface MatchNav {
  key: string;
  current: number | null;
  seq: number | null;
}

interface Options {
  view: LogView;
  /** The view of the lines matching `state.q`, or null without a search. */
  matches: LogView | null;
  /** Identifies `matches` (source, levels, q): a new search starts over. */
  matchesKey: string;
  state: LogViewState;
  stateRef: RefObject<LogViewState>;
  onStateChange: (patch: Partial<LogViewState>) => void;
  scrollToPosition: (index: number, align: Align) => void;
}

/**
 * Search across the whole log: the box's draft (sent to the URL after a pause, or on Enter), the
 * current match ("k of N"), next/previous, and scrolling the log to the match's line.
 */
export function useLogSearch({
  view,
  matches,
  matchesKey,
  state,
  stateRef,
  onStateChange,
  scrollToPosition,
}: Options) {
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
    [matches, matchesKey, view, scrollToPosition, onStateChange, stateRef],
  );
  const step = useCallback(
    (direction: 1 | -1) => {
      const next = stepMatch(current, matchTotal ?? 0, direction);
      if (next !== null) void goToMatch(next);
    },
    [current, matchTotal, goToMatch],
  );

  // A new search opens on its first match as soon as the first page is there (its count comes
  // in a request of its own); a deep link opened with a search keeps its line.
  const keepLinkedLine = useRef(state.line !== null);
  useEffect(() => {
    if (!matches) return;
    const stay = keepLinkedLine.current;
    keepLinkedLine.current = false;
    void matches.open('head').then(() => {
      if (matches.lineAt(0) && !stay) void goToMatch(0);
    });
  }, [matches, goToMatch]);
  useEffect(() => () => matches?.dispose(), [matches]);

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

  return { current, activeSeq, matchTotal, step, draft, setDraft, onSearchKeyDown };
}
