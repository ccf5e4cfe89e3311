import type { QueryClient } from '@tanstack/react-query';
import { createRouter } from '@tanstack/react-router';
import { rootRoute } from '../routes/__root';
import { actionRunRoute } from '../routes/action-run';
import { actionRunsRoute } from '../routes/action-runs';
import { authedRoute, indexRoute } from '../routes/_authed';
import { entitiesRoute } from '../routes/entities';
import { entityRoute } from '../routes/entity';
import { runRoute } from '../routes/run';
import { signInRoute } from '../routes/sign-in';
import { workflowRoute } from '../routes/workflow';
import { workflowsRoute } from '../routes/workflows';

const routeTree = rootRoute.addChildren([
  signInRoute,
  authedRoute.addChildren([
    indexRoute,
    workflowsRoute,
    workflowRoute,
    runRoute,
    actionRunsRoute,
    actionRunRoute,
    entitiesRoute,
    entityRoute,
  ]),
]);

export function createAppRouter(queryClient: QueryClient) {
  return createRouter({
    routeTree,
    context: { queryClient },
    // Loaders fill React Query's cache; the router itself keeps nothing stale.
    defaultPreloadStaleTime: 0,
    defaultPreload: 'intent',
    scrollRestoration: true,
  });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}
