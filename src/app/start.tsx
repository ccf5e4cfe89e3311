import { Box, MantineProvider } from '@mantine/core';
import { QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { StrictMode, startTransition, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { createQueryClient } from './query-client';
import { createAppRouter } from './router';
import { PageSkeleton } from '../components/RouteError';
import { theme } from './theme';
import { onSignOut } from '../lib/api';

/** Builds the app (query client, router) and renders its first page: main.tsx's last stage. */
export function startApp() {
  const queryClient = createQueryClient();
  const router = createAppRouter(queryClient);

  // Sign-out, or credentials that no longer work: forget everything and go to sign-in.
  onSignOut(() => {
    queryClient.clear();
    const here = router.state.location;
    void router.navigate({
      to: '/sign-in',
      search: { redirect: here.pathname === '/sign-in' ? undefined : here.href },
    });
  });

  const app = (
    <StrictMode>
      <MantineProvider theme={theme} defaultColorScheme="auto">
        <QueryClientProvider client={queryClient}>
          <RouterProvider router={router} />
        </QueryClientProvider>
      </MantineProvider>
    </StrictMode>
  );

  /**
   * The first page is loaded (its routes' loaders and lazy component) before anything renders, and
   * then rendered in a transition: React renders it in ~5 ms slices instead of one long task. A
   * router that renders before it has loaded commits the page through useSyncExternalStore when
   * its loaders finish, an update React never time-slices: the app shell, the page's header and
   * their Mantine components in one task (31–46 ms of render at this machine's load, 54–95 ms of
   * CPU with the commit and effects). A load that takes over a second (the router's own pending
   * time) shows a skeleton meanwhile, outside the router, so the page still comes in a transition.
   */
  const root = createRoot(document.getElementById('root')!);
  // The router's load (matching the URL, the routes' beforeLoad and loaders, their requests) in a
  // task after the one that built it: together they were one task of 10–14 ms of CPU in cold
  // loads of the run page (building the route tree ~6, the load ~5), which at this machine's load
  // waits for a core past 50 ms.
  setTimeout(() => loadFirstPage(router, root, app), 0);
}

function loadFirstPage(
  router: ReturnType<typeof createAppRouter>,
  root: ReturnType<typeof createRoot>,
  app: ReactNode,
) {
  let loaded = false;
  const slowLoad = setTimeout(() => {
    if (loaded) return;
    startTransition(() =>
      root.render(
        <MantineProvider theme={theme} defaultColorScheme="auto">
          <Box p="md">
            <PageSkeleton />
          </Box>
        </MantineProvider>,
      ),
    );
  }, 1000);
  void router
    .load()
    .catch(() => undefined)
    .finally(() => {
      loaded = true;
      clearTimeout(slowLoad);
      startTransition(() => root.render(app));
    });
}
