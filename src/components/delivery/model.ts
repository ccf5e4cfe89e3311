import type { Delivery } from '../../../contract/delivery';
import { clockTime, until } from '../../lib/dates';

/**
 * What a node run or action run waiting on a backend says about it, or null when the server owes
 * nothing (no work item, or delivered). Plain text: the error is the server's words.
 */
export function deliveryLine(delivery: Delivery | null | undefined, now: number): string | null {
  if (!delivery) return null;
  const to = delivery.target ? ` to ${delivery.target}` : '';
  const of = `attempt ${delivery.attempt} of ${delivery.maxAttempts}`;
  const lastError = delivery.lastError ? ` — last error: ${delivery.lastError}` : '';
  switch (delivery.state) {
    case 'done':
      return null;
    case 'queued': {
      const next = delivery.nextAttemptAt ? `, next ${until(delivery.nextAttemptAt, now)}` : '';
      return `Delivering${to} (${of}${next})${lastError}`;
    }
    case 'claimed': {
      const held = delivery.claimedUntil
        ? `, claimed until ${clockTime(delivery.claimedUntil)}`
        : '';
      return `Sending now${to} (${of}${held})`;
    }
    case 'failed':
      return `Delivery${to} failed after ${delivery.attempt} of ${delivery.maxAttempts} attempts${lastError}`;
  }
}

/** "Retry now" makes sense while the item waits (queued, or failed); a claimed one is being sent. */
export const canRetryNow = (delivery: Delivery | null | undefined) =>
  delivery?.state === 'queued' || delivery?.state === 'failed';
