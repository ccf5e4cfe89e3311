import { getRouteApi } from '@tanstack/react-router';
import { AuditLogPage } from '../features/audit-log/components/AuditLogPage';
import type { AuditLogFilters } from '../features/audit-log/search';

const route = getRouteApi('/_authed/audit-log');

export function AuditLogRoute() {
  const filters = route.useSearch();
  const navigate = route.useNavigate();
  const onFiltersChange = (patch: Partial<AuditLogFilters>) =>
    void navigate({ search: (prev) => ({ ...prev, ...patch }), replace: true, resetScroll: false });
  return <AuditLogPage filters={filters} onFiltersChange={onFiltersChange} />;
}
