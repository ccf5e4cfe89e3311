import { hashKey, infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import type { Blueprint } from '../../../contract/actions';
import type { Entity } from '../../../contract/entities';
import { api } from '../../lib/api';
import { conditionalGet, decideRefetchInterval, unchangedPolls } from '../../lib/polling';
import { activityRow, hasLiveRows, type ActivityPage } from './model';
import type { EntitySearch } from './search';

/** The feed's filters, applied by the server (a page is full of what they ask for). */
type ActivityFilters = Pick<EntitySearch, 'kind' | 'status'>;

const ACTIVITY_PAGE = 50;

export const entityKeys = {
  all: ['entities'] as const,
  blueprints: () => [...entityKeys.all, 'blueprints'] as const,
  list: (blueprint: string) => [...entityKeys.all, 'list', blueprint] as const,
  firstWithEntities: (blueprints: string[]) =>
    [...entityKeys.all, 'first-with-entities', blueprints] as const,
  detail: (blueprint: string, id: string) => [...entityKeys.all, 'detail', blueprint, id] as const,
  activity: (blueprint: string, id: string, filters: ActivityFilters) =>
    [...entityKeys.all, 'activity', blueprint, id, filters] as const,
};

const entityPath = (blueprint: string, id: string) =>
  `/blueprints/${encodeURIComponent(blueprint)}/entities/${encodeURIComponent(id)}`;

export const blueprintsQueryOptions = () =>
  queryOptions({
    queryKey: entityKeys.blueprints(),
    queryFn: ({ signal }) =>
      api<{ blueprints: Blueprint[] }>('/blueprints', { signal }).then((b) => b.blueprints),
    staleTime: 60_000,
  });

export const entitiesQueryOptions = (blueprint: string) =>
  queryOptions({
    queryKey: entityKeys.list(blueprint),
    queryFn: ({ signal }) =>
      api<{ entities: Entity[] }>(`/blueprints/${encodeURIComponent(blueprint)}/entities`, {
        signal,
      }).then((b) => b.entities),
    staleTime: 10_000,
  });

export const entityQueryOptions = (blueprint: string, id: string) =>
  queryOptions({
    queryKey: entityKeys.detail(blueprint, id),
    queryFn: ({ queryKey, signal }) =>
      conditionalGet<{ entity: Entity }>(queryKey, entityPath(blueprint, id), { signal }).then(
        (b) => b.entity,
      ),
    staleTime: 10_000,
  });

/**
 * Workflow runs, action runs and changes concerning the entity, newest first, by cursor. While a
 * loaded run is in progress the loaded pages are refetched (each page a conditional GET, so an
 * unchanged page costs a 304, and unchanged first pages slow the polling down); once nothing is
 * moving the feed stops polling.
 */
export const entityActivityQueryOptions = (
  blueprint: string,
  id: string,
  { kind, status }: ActivityFilters,
) =>
  infiniteQueryOptions({
    queryKey: entityKeys.activity(blueprint, id, { kind, status }),
    queryFn: ({ queryKey, pageParam, signal }) =>
      conditionalGet<ActivityPage>(
        [...queryKey, pageParam],
        `${entityPath(blueprint, id)}/activity`,
        {
          query: {
            cursor: pageParam,
            limit: ACTIVITY_PAGE,
            type: kind === 'change' ? 'audit' : kind,
            status,
          },
          signal,
        },
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    refetchInterval: (query) =>
      decideRefetchInterval(
        !hasLiveRows(query.state.data?.pages.flatMap((p) => p.activity.map(activityRow)) ?? []),
        unchangedPolls(hashKey([...query.queryKey, null])),
        query.state.status === 'error',
      ),
    refetchIntervalInBackground: false,
    staleTime: 0,
  });
