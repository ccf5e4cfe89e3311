import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { validateAuditLogSearch } from '../features/audit-log/search';
import { authedRoute } from './_authed';

export const auditLogRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/audit-log',
  validateSearch: validateAuditLogSearch,
  component: lazyRouteComponent(() => import('./audit-log.page'), 'AuditLogRoute'),
});
