import { Button, Center, Skeleton, Stack } from '@mantine/core';

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

export function LoadMoreButton({ onLoad, loading }: { onLoad: () => void; loading: boolean }) {
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
