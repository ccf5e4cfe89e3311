import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { authedRoute } from './_authed';

export const workflowsRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/workflows',
  component: lazyRouteComponent(
    () => import('../features/workflows/components/WorkflowsPage'),
    'WorkflowsPage',
  ),
});
