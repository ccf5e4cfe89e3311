import type { AuditLogEntry } from '../../../contract/entities';
import { newestFirstList } from '../../lib/newest-first-list';
import { auditLogQueryParams, type AuditLogPage } from './model';
import type { AuditLogFilters } from './search';

export const auditLogKeys = {
  all: ['audit-log'] as const,
  list: (filters: AuditLogFilters) => [...auditLogKeys.all, 'list', filters] as const,
  probe: (filters: AuditLogFilters) => [...auditLogKeys.all, 'probe', filters] as const,
};

const entriesOf = (page: AuditLogPage) => page.audits;

/** Newest first by the endpoint's cursor (an entry never changes), and its new-entries probe. */
export const auditLogList = (filters: AuditLogFilters) =>
  newestFirstList<AuditLogPage, AuditLogEntry>({
    path: '/audit-log',
    keys: { list: auditLogKeys.list(filters), probe: auditLogKeys.probe(filters) },
    params: (now) => auditLogQueryParams(filters, now),
    items: entriesOf,
  });
