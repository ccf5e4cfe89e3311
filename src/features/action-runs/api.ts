import { queryOptions } from '@tanstack/react-query';
import type { ActionRunV2 } from '../../../contract/actions';
import type { AuditEntry } from '../../../contract/entities';
import { api } from '../../lib/api';
import { newestFirstList } from '../../lib/newest-first-list';
import { conditionalGet, pollWhileInProgress } from '../../lib/polling';
import { actionRunsQueryParams, isActionRunFinished, type ActionRunsPage } from './model';
import type { ActionRunFilters } from './search';

export const actionRunKeys = {
  all: ['action-runs'] as const,
  list: (filters: ActionRunFilters) => [...actionRunKeys.all, 'list', filters] as const,
  probe: (filters: ActionRunFilters) => [...actionRunKeys.all, 'probe', filters] as const,
  detail: (id: string) => [...actionRunKeys.all, 'detail', id] as const,
  changes: (id: string, finished: boolean) =>
    [...actionRunKeys.all, 'changes', id, { finished }] as const,
  approvers: (id: string, runUpdatedAt: string) =>
    [...actionRunKeys.all, 'approvers', id, runUpdatedAt] as const,
};

const runsOf = (page: ActionRunsPage) => page.runs;

/** Newest first by cursor (loaded pages are never refetched: live rows poll themselves). */
export const actionRunsList = (filters: ActionRunFilters) =>
  newestFirstList<ActionRunsPage, ActionRunV2>({
    path: '/actions/runs',
    keys: { list: actionRunKeys.list(filters), probe: actionRunKeys.probe(filters) },
    params: (now) => actionRunsQueryParams(filters, now),
    items: runsOf,
  });

/** One action run; polled while it can still change, never again once it ended. */
export const actionRunQueryOptions = (id: string) =>
  queryOptions({
    queryKey: actionRunKeys.detail(id),
    queryFn: ({ queryKey, signal }) =>
      conditionalGet<{ run: ActionRunV2 }>(queryKey, `/actions/runs/${encodeURIComponent(id)}`, {
        query: { version: 'v2' },
        signal,
      }).then((b) => b.run),
    ...pollWhileInProgress<ActionRunV2>(isActionRunFinished),
  });

/**
 * The entity changes a run made (audit entries carrying its run id), newest first. Polled while
 * the run is in progress; the run ending is a new key, so the final state is read exactly once.
 */
export const actionRunChangesQueryOptions = (id: string, finished: boolean) =>
  queryOptions({
    queryKey: actionRunKeys.changes(id, finished),
    queryFn: ({ queryKey, signal }) =>
      conditionalGet<{ audits: AuditEntry[] }>(queryKey, '/audit-log', {
        query: { run_id: id, resources: ['entity'], limit: 100 },
        signal,
      }).then((b) => b.audits),
    ...pollWhileInProgress<AuditEntry[]>(() => finished),
  });

export interface Approver {
  userId: string;
  state: 'PENDING' | 'APPROVED' | 'DECLINED';
  description: string | null;
}

/**
 * Every admin who may approve the run, with their decision. Keyed by the run's `updatedAt`, so
 * it is read again exactly when the (polled) run changes, and never polled on its own.
 */
export const actionRunApproversQueryOptions = (id: string, runUpdatedAt: string) =>
  queryOptions({
    queryKey: actionRunKeys.approvers(id, runUpdatedAt),
    queryFn: ({ signal }) =>
      api<{ approvers: Approver[] }>(`/actions/runs/${encodeURIComponent(id)}/approvers`, {
        signal,
      }).then((b) => b.approvers),
    staleTime: Infinity,
  });
