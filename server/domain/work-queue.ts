/**
 * Rules of the durable work queue (server/db/work-queue.ts stores it, backends/dispatcher.ts runs
 * it): how long to wait before another attempt, and when to give up.
 */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Wait before the second attempt; doubles for each one after, up to `maxBackoffMs`. */
  backoffMs: number;
  maxBackoffMs: number;
}

/**
 * The wait before attempt `attempt + 1`, after `attempt` attempts failed: exponential, capped, with
 * "equal jitter" (half fixed, half random) so the retries of many items spread out instead of
 * hitting a recovering backend all at once. `random` is in [0, 1).
 */
export function retryDelayMs(policy: RetryPolicy, attempt: number, random: number): number {
  const exponential = policy.backoffMs * 2 ** Math.max(0, attempt - 1);
  const capped = Math.min(policy.maxBackoffMs, exponential);
  return Math.round(capped / 2 + (capped / 2) * random);
}

export type AttemptOutcome =
  /** The executor is finished with the item: delivered, or nothing (more) to send. */
  | { kind: 'done' }
  /** Delivery failed for good (no attempts left, or not retryable); the run failed with `reason`. */
  | { kind: 'failed'; reason: string }
  /** A retryable failure (network error, timeout, 429, 5xx): try again later if attempts remain. */
  | { kind: 'retry'; reason: string };
