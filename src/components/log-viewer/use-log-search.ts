import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  type KeyboardEvent,
  type RefObject,
} from 'react';
import type { LogViewState } from '../../lib/log-search';
import { stepMatch } from './model';
import type { LogView } from './store';
import type { Align } from './use-log-list';

interface MatchNav {
  key: string;
  current: number | null;
  seq: number | null;
}

/** Lines fetched each side of a match's line before the list scrolls to it. */
const AROUND_MATCH = 150;

interface Options {
  view: LogView;
  /** The view of the lines matching `state.q`, or null without a search. */
  matches: LogView | null;
  /** Identifies `matches` (source, levels, q): a new search starts over. */
  matchesKey: string;
  /** The view of the lines matching a term (the one `matches` becomes once the term is state). */
  matchesOf: (q: string) => LogView;
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
  matchesOf,
  state,
  stateRef,
  onStateChange,
  scrollToPosition,
}: Options) {
  const [nav, setNav] = useState<MatchNav>({ key: '', current: null, seq: null });
  const current = nav.key === matchesKey ? nav.current : null;
  const activeSeq = nav.key === matchesKey ? nav.seq : null;
  const matchTotal = matches?.total ?? null;
  const matchAtLeast = matches?.totalAtLeast ?? null;
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
      if (position === null || token !== navToken.current) return;
      // The lines around the match are asked for now, not once the list has scrolled there and
      // rendered (a frame and a render later): the same pages the list will ask for.
      void view.ensureRange(Math.max(0, position - AROUND_MATCH), position + AROUND_MATCH);
      scrollToPosition(position, 'center');
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
    // The count starts once the first match is known, beside the lines around it
    // (LogView.holdCount): a rare term's count comes from the chunks' rows in a few ms of CPU,
    // and waiting for those lines first put a round trip between the first match and its count.
    matches.holdCount();
    void matches.open('head').then(async () => {
      const going = matches.lineAt(0) && !stay ? goToMatch(0) : null;
      matches.startCount();
      await going;
    });
  }, [matches, goToMatch]);
  useEffect(() => () => matches?.dispose(), [matches]);

  // A search starts in the keystroke's handler: its first request goes out before the term has
  // gone through the URL (the router, a render, this hook's effect: tens of ms). The view it
  // opens is the one `matches` becomes; one a later keystroke overtook before it became
  // `matches` is let go here, since no effect will.
  const started = useRef<LogView | null>(null);
  const startSearch = (term: string) => {
    const before = started.current;
    started.current = term ? matchesOf(term) : null;
    if (before && before !== started.current && before !== matches) before.dispose();
    if (!started.current) return;
    started.current.holdCount();
    void started.current.open('head');
  };
  const matchesNow = useRef(matches);
  useLayoutEffect(() => {
    matchesNow.current = matches;
  });
  useEffect(
    () => () => {
      if (started.current !== matchesNow.current) started.current?.dispose();
    },
    [],
  );

  const [draft, setDraft] = useState(state.q);
  const [draftFor, setDraftFor] = useState(state.q);
  // The terms sent to the URL and not seen back yet: while a person types, the URL catches up a
  // keystroke or two behind the box, and those echoes must not put an older term back in it.
  const [sent, setSent] = useState<readonly string[]>([]);
  if (draftFor !== state.q) {
    setDraftFor(state.q);
    const echo = sent.indexOf(state.q);
    if (echo >= 0) setSent(sent.slice(echo + 1));
    else {
      setSent([]);
      setDraft(state.q);
    }
  }
  // Every keystroke searches (no pause to wait out): the search it replaces is aborted, and the
  // server cancels an aborted search's query, so typing does not pile reads up in the database.
  const search = (term: string) => {
    setDraft(term);
    if (term === state.q || sent.at(-1) === term) return;
    setSent([...sent, term]);
    startSearch(term);
    onStateChange({ q: term });
  };
  const onSearchKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    if (draft === state.q) step(e.shiftKey ? -1 : 1);
  };

  return {
    current,
    activeSeq,
    matchTotal,
    matchAtLeast,
    step,
    draft,
    setDraft: search,
    onSearchKeyDown,
  };
}
