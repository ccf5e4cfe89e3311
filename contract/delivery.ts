import { z } from 'zod';
import { isoDate } from './common';

export const DELIVERY_STATES = ['queued', 'claimed', 'done', 'failed'] as const;
export const deliveryStateSchema = z.enum(DELIVERY_STATES);
export type DeliveryState = z.infer<typeof deliveryStateSchema>;

/**
 * [ext] What the server owes a backend for one node run or action run: its work item in the
 * durable queue. Sent on single-run reads (never in lists); `null` when the server owes nothing
 * for it (no work item).
 */
export const deliverySchema = z.object({
  state: deliveryStateSchema,
  /** The attempt in flight (`claimed`), the next one (`queued`), or the last one made. */
  attempt: z.number(),
  /** Attempts in all, the first included (the server's WEBHOOK_RETRIES + 1). */
  maxAttempts: z.number(),
  /** When a `queued` item becomes due. */
  nextAttemptAt: isoDate.nullable(),
  /** Until when a server's claim holds (`claimed`). */
  claimedUntil: isoDate.nullable(),
  lastError: z.string().nullable(),
  /** Host the request goes to; null when there is none or it is only known once rendered. */
  target: z.string().nullable(),
});
export type Delivery = z.infer<typeof deliverySchema>;
