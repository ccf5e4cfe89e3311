import { Button, Center, Skeleton, Stack } from '@mantine/core';
import type { ComponentProps, ReactNode } from 'react';
import { ErrorState } from './ErrorState';

/** "N new runs — show": new items are announced, never pushed into the list under the reader. */
export function NewItemsBanner({
  count,
  cap,
  noun,
  onShow,
}: {
  count: number;
  /** The probe's page size: at that count there may be more. */
  cap: number;
  noun: string;
  onShow: () => void;
}) {
  if (count <= 0) return null;
  const text =
    count >= cap ? `${cap}+ new ${noun}s` : `${count} new ${noun}${count === 1 ? '' : 's'}`;
  return (
    <Center>
      <Button variant="light" radius="xl" onClick={onShow}>
        {text} — show
      </Button>
    </Center>
  );
}

function LoadMoreButton({ onLoad, loading }: { onLoad: () => void; loading: boolean }) {
  return (
    <Center>
      <Button variant="default" onClick={onLoad} loading={loading}>
        Load more
      </Button>
    </Center>
  );
}

export function RowsSkeleton({ label, rows = 8 }: { label: string; rows?: number }) {
  return (
    <Stack gap={6} aria-busy="true" aria-label={label}>
      {Array.from({ length: rows }, (_, i) => (
        <Skeleton key={i} h={36} />
      ))}
    </Stack>
  );
}

/** What the paging controls read from an infinite query. */
interface PagedQuery {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  isFetchNextPageError: boolean;
  error: unknown;
  fetchNextPage: () => unknown;
}

/** "Load more" while there is a next page; a failed next page shows its error with a retry. */
export function PagingFooter({ query }: { query: PagedQuery }) {
  return (
    <>
      {query.hasNextPage && (
        <LoadMoreButton
          onLoad={() => void query.fetchNextPage()}
          loading={query.isFetchingNextPage}
        />
      )}
      {query.isFetchNextPageError && (
        <ErrorState error={query.error} onRetry={() => void query.fetchNextPage()} />
      )}
    </>
  );
}

/**
 * A newest-first paged list: skeleton while the first page loads, its error with a retry,
 * then the new-items banner above the rows (or why there are none) and the paging footer.
 */
export function PagedList({
  query,
  loadingLabel,
  banner,
  children,
}: {
  query: PagedQuery & { isPending: boolean; data: unknown; refetch: () => unknown };
  loadingLabel: string;
  banner: ComponentProps<typeof NewItemsBanner>;
  children: ReactNode;
}) {
  if (query.isPending) return <RowsSkeleton label={loadingLabel} />;
  if (!query.data) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  return (
    <Stack gap="sm">
      <NewItemsBanner {...banner} />
      {children}
      <PagingFooter query={query} />
    </Stack>
  );
}
