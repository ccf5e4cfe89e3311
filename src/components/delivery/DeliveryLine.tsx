import { Button, Group, Text } from '@mantine/core';
import type { Delivery } from '../../../contract/delivery';
import { useNow } from '../../lib/use-now';
import { useCurrentUser } from '../run-controls';
import { canRetryNow, deliveryLine } from './model';

interface Props {
  delivery: Delivery | null | undefined;
  /** Makes the delivery due now (`POST …/retry-delivery`); admins only, as the server checks. */
  onRetry: () => void;
  retrying: boolean;
}

/**
 * "Delivering to api.example.com (attempt 2 of 5, next in 8 s)": what a run still waits on from
 * its backend, counting down each second, with "Retry now" for admins. Nothing once delivered.
 */
export function DeliveryLine({ delivery, onRetry, retrying }: Props) {
  const me = useCurrentUser();
  // Only a queued delivery counts down ("next in 8 s"); a claimed one shows a fixed clock time.
  const now = useNow(delivery?.state === 'queued' && delivery.nextAttemptAt != null);
  const line = deliveryLine(delivery, now);
  if (!line) return null;
  return (
    <Group gap="sm" wrap="nowrap" align="center" role="status" aria-label="Delivery">
      <Text
        size="sm"
        c={delivery?.state === 'failed' ? 'red' : 'dimmed'}
        style={{ flex: 1, minWidth: 0, overflowWrap: 'anywhere' }}
      >
        {line}
      </Text>
      {me?.role === 'admin' && canRetryNow(delivery) && (
        <Button size="xs" variant="light" loading={retrying} onClick={onRetry}>
          Retry now
        </Button>
      )}
    </Group>
  );
}
