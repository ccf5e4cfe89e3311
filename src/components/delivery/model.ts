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

/** What the dashboard knows of a run that an execution agent (Port's Ocean) pulls. */
export interface AgentWork {
  status: string;
  installationId?: string | null | undefined;
  pendingExecution?: boolean | undefined;
  claimedUntil?: string | null | undefined;
}

/**
 * What an INTEGRATION_ACTION node run or action run waits on: an agent to claim it, the agent
 * holding its claim (named by its installation, the Ocean integration's identifier), or the
 * agent that took it and is to report. Null for runs no agent executes, or that ended.
 */
export function agentLine(run: AgentWork, now: number): string | null {
  if (!run.installationId || run.status !== 'IN_PROGRESS') return null;
  const agent = `the ${run.installationId} agent`;
  if (!run.pendingExecution) return `Taken by ${agent}; waiting for it to report`;
  const claimedUntil = run.claimedUntil ? Date.parse(run.claimedUntil) : null;
  if (claimedUntil !== null && claimedUntil > now) {
    return `Claimed by ${agent} until ${clockTime(claimedUntil)}`;
  }
  const expired =
    claimedUntil !== null ? `; its last claim expired at ${clockTime(claimedUntil)}` : '';
  return `Waiting for an agent to claim it (installation ${run.installationId})${expired}`;
}
