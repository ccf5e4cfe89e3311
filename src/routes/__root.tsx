import type { QueryClient } from '@tanstack/react-query';
import { createRootRouteWithContext, Outlet } from '@tanstack/react-router';
import { NotFoundPage, RouteError } from '../components/RouteError';
import { session } from '../lib/api';
import { AppLayout } from './_authed.layout';

export interface RouterContext {
  queryClient: QueryClient;
}

export const rootRoute = createRootRouteWithContext<RouterContext>()({
  component: Outlet,
  errorComponent: RouteError,
  notFoundComponent: TopLevelNotFound,
});

/** An unknown address keeps the app's header and navigation when signed in. */
function TopLevelNotFound() {
  if (!session.token()) return <NotFoundPage />;
  return (
    <AppLayout>
      <NotFoundPage />
    </AppLayout>
  );
}
