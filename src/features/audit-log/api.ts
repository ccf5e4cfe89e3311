import { infiniteQueryOptions, queryOptions, type Query } from '@tanstack/react-query';
import type { AuditEntry } from '../../../contract/entities';
import { api } from '../../lib/api';
import { conditionalGet, probeInterval } from '../../lib/polling';
import { auditLogQueryParams, type AuditLogPage } from './model';
import type { AuditLogFilters } from './search';

export const PAGE_SIZE = 50;
export const PROBE_SIZE = 20;

export const auditLogKeys = {
  all: ['audit-log'] as const,
  list: (filters: AuditLogFilters) => [...auditLogKeys.all, 'list', filters] as const,
  probe: (filters: AuditLogFilters) => [...auditLogKeys.all, 'probe', filters] as const,
};

/** Pages by the endpoint's cursor, newest first; an entry never changes, so pages never refetch. */
export const auditLogInfiniteQueryOptions = (filters: AuditLogFilters) =>
  infiniteQueryOptions({
    queryKey: auditLogKeys.list(filters),
    queryFn: ({ pageParam, signal }) =>
      api<AuditLogPage>('/audit-log', {
        query: { ...auditLogQueryParams(filters, Date.now()), limit: PAGE_SIZE, cursor: pageParam },
        signal,
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    staleTime: Infinity,
  });

/** The newest few entries matching the filters, polled (visible tab only) to count new ones. */
export const newAuditEntriesProbeOptions = (filters: AuditLogFilters) =>
  queryOptions({
    queryKey: auditLogKeys.probe(filters),
    queryFn: ({ queryKey, signal }) =>
      conditionalGet<AuditLogPage>(queryKey, '/audit-log', {
        query: { ...auditLogQueryParams(filters, Date.now()), limit: PROBE_SIZE },
        signal,
      }).then((b) => b.audits),
    refetchInterval: (query: Query<AuditEntry[], Error, AuditEntry[], readonly unknown[]>) =>
      probeInterval(query.queryHash),
    refetchIntervalInBackground: false,
    staleTime: 0,
  });
