import { QueryClient } from '@tanstack/react-query';
import { ApiRequestError } from '../lib/api';

/** A 4xx will answer the same again: retry only network errors and 5xx, twice. */
function shouldRetry(failureCount: number, error: unknown) {
  if (error instanceof ApiRequestError && error.status < 500) return false;
  return failureCount < 2;
}

export function createQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: shouldRetry,
        staleTime: 30_000,
        // Live data polls on its own schedule (src/lib/polling.ts); focus must not wake finished runs.
        refetchOnWindowFocus: false,
      },
    },
  });
}
