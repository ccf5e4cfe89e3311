import type { QueryClient } from '@tanstack/react-query';
import { createRootRouteWithContext, Outlet } from '@tanstack/react-router';
import { NotFoundPage, RouteError } from '../components/RouteError';
import { useQuery } from '@tanstack/react-query';
import { meQueryOptions } from '../features/auth/api';
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
  const me = useQuery(meQueryOptions());
  if (!me.data) return <NotFoundPage />;
  return (
    <AppLayout>
      <NotFoundPage />
    </AppLayout>
  );
}
