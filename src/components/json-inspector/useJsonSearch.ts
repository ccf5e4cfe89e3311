import { useDebouncedValue } from '@mantine/hooks';
import { useCallback, useEffect, useState } from 'react';
import { formatCount, linkToSegments, searchJson, type JsonTree, type SearchMatch } from './model';
import { isAbort, runSliced } from './scheduler';

interface SearchState {
  tree: JsonTree;
  query: string;
  matches: SearchMatch[];
  count: number;
  done: boolean;
  current: number;
}

/**
 * Search over keys and values, run in slices in the background: the matches so far, the current
 * one (revealed in the tree and scrolled to), previous/next and the "k of N" counter.
 */
export function useJsonSearch(
  tree: JsonTree,
  value: unknown,
  query: string,
  /** Called after a match was revealed (its ancestors expanded), with its row. */
  onReveal: (index: number) => void,
) {
  const [searchedQuery] = useDebouncedValue(query.trim(), 150);
  const [searchState, setSearchState] = useState<SearchState | null>(null);

  const revealMatch = useCallback(
    (match: SearchMatch | undefined) => {
      if (!match) return;
      const node = tree.reveal(linkToSegments(match.path));
      if (!node) return;
      onReveal(tree.indexOf(node));
    },
    [tree, onReveal],
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

  const counter = activeSearch
    ? `${activeSearch.count === 0 ? 0 : activeSearch.current + 1} of ${formatCount(activeSearch.count)}${activeSearch.done ? '' : '…'}`
    : null;
  const highlight = activeSearch ? searchedQuery : '';

  return { activeSearch, currentNode, goToMatch, counter, highlight };
}
