import { hashKey, useQueries, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { LogLevel } from '../../../contract/workflows';
import { notePoll, pollWhileLive } from '../../lib/polling';
import { logView, type LogSource } from './store';

/**
 * Query keys of log polls. A page that wrote to a log the viewer did not wait for (marking a node
 * complete) invalidates `logKeys.source(…)`: the open views poll once more, the others when they
 * are next shown.
 */
export const logKeys = {
  all: ['logs'] as const,
  source: (source: LogSource) => [...logKeys.all, source] as const,
  view: (source: LogSource, levels: LogLevel[], q: string) =>
    [...logKeys.source(source), levels, q] as const,
};

/**
 * Polls the shown view (and the search's matches) through the one policy in lib/polling.ts:
 * while `live`, at its interval with its back-off and never in a hidden tab; when it stops being
 * live, once more. The lines themselves stay in the store; the query only schedules polls.
 */
export function useLogPolling(source: LogSource, levels: LogLevel[], q: string, live: boolean) {
  const filters = q
    ? [
        { levels, q: '' },
        { levels, q },
      ]
    : [{ levels, q: '' }];
  useQueries({
    queries: filters.map((filter) => logPollQueryOptions(source, filter.levels, filter.q, live)),
  });

  const client = useQueryClient();
  const wasLive = useRef(live);
  useEffect(() => {
    if (wasLive.current && !live)
      void client.invalidateQueries({ queryKey: logKeys.source(source) });
    wasLive.current = live;
  }, [client, source, live]);
}

/** The query that schedules one view's polls (its data is the view's version, not its lines). */
export function logPollQueryOptions(
  source: LogSource,
  levels: LogLevel[],
  q: string,
  live: boolean,
) {
  return {
    queryKey: logKeys.view(source, levels, q),
    queryFn: async ({ queryKey }: { queryKey: ReturnType<typeof logKeys.view> }) => {
      const [, src, lvls, text] = queryKey;
      const view = logView(src, { levels: lvls, q: text });
      notePoll(hashKey(queryKey), await view.refresh());
      return view.getSnapshot();
    },
    // The viewer fetches what it shows itself; this query's first fetch is its first poll.
    initialData: 0,
    ...pollWhileLive(live),
  };
}
