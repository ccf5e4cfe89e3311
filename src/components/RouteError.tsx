import { Button, Container, Skeleton, Stack, Text, Title, VisuallyHidden } from '@mantine/core';
import { useQueryErrorResetBoundary } from '@tanstack/react-query';
import { Link, notFound, useRouter, type ErrorComponentProps } from '@tanstack/react-router';
import { useEffect } from 'react';
import { ApiRequestError } from '../lib/api';
import { ErrorState, describeError } from './ErrorState';

/** A route's error boundary: explains the error and retries by re-running the loaders. */
export function RouteError({ error }: ErrorComponentProps) {
  const router = useRouter();
  const queryReset = useQueryErrorResetBoundary();
  useEffect(() => queryReset.reset(), [queryReset]);
  return (
    <Container size="sm" py="xl">
      {/* The page's one heading; the alert below says the same in sight. */}
      <VisuallyHidden component="h1">{describeError(error).title}</VisuallyHidden>
      <ErrorState error={error} onRetry={() => void router.invalidate()} />
    </Container>
  );
}

export function NotFoundPage({ message }: { message?: string }) {
  return (
    <Container size="sm" py="xl">
      <Stack align="center" gap="sm">
        <Text c="dimmed" fw={700} fz={48} lh={1}>
          404
        </Text>
        <Title order={1} size="h2">
          Page not found
        </Title>
        <Text c="dimmed" ta="center">
          {message ?? 'There is nothing at this address.'}
        </Text>
        <Button renderRoot={(props) => <Link to="/workflows" {...props} />} variant="light">
          Go to workflows
        </Button>
      </Stack>
    </Container>
  );
}

/** Shown while a page's data loads (after the router's pending delay), shaped like a page. */
export function PageSkeleton() {
  return (
    <Stack gap="md" aria-busy="true" aria-label="Loading">
      <Skeleton h={28} w={280} />
      <Skeleton h={16} w={420} />
      <Skeleton h={180} />
      <Skeleton h={320} />
    </Stack>
  );
}

/**
 * For a loader's `.catch`: the API saying the item does not exist (404, or 422 for a malformed
 * id) becomes the router's not-found, which the route's `notFoundComponent` shows inside the
 * shell. The router logs any other loader error to the console with its stack; a missing run is
 * an answer, not a failure.
 */
export function missingAsNotFound(error: unknown): never {
  if (error instanceof ApiRequestError && (error.status === 404 || error.status === 422)) {
    throw notFound();
  }
  throw error;
}
