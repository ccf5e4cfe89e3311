import type { Delivery } from '../../contract/delivery';
import { conflict, forbidden, invalid } from './errors';
import type { Actor } from './permissions';
import { render, TemplateError } from './templates';

/** The fields of a work item (server/db/work-queue.ts) that the dashboard is told about. */
export interface DeliveryItem {
  state: Delivery['state'];
  /** Attempts started so far (a claim counts one). */
  attempts: number;
  nextAttemptAt: Date;
  claimedUntil: Date | null;
  lastError: string | null;
}

/**
 * The host a request goes to, when `url` is a literal http(s) URL. A templated URL is only known
 * once rendered with the run's outputs, which a read does not do: null.
 */
export function literalUrlHost(url: unknown): string | null {
  if (typeof url !== 'string' || url.includes('{{')) return null;
  if (!/^https?:\/\//i.test(url) || !URL.canParse(url)) return null;
  return new URL(url).host;
}

/**
 * The host a request to `url` goes to once rendered against `scope` (a run's inputs and
 * outputs): what the per-host cap on requests in flight counts. Null when it does not render to
 * an http(s) URL (that delivery fails without a request).
 */
export function deliveryHost(url: unknown, scope: Record<string, unknown>): string | null {
  try {
    const rendered = render(url, scope);
    return typeof rendered === 'string' && !rendered.includes('{{')
      ? literalUrlHost(rendered)
      : null;
  } catch (err) {
    if (err instanceof TemplateError) return null;
    throw err;
  }
}

/**
 * Whether the server sends anything for a node of this config (the dispatcher invokes it): a
 * WEBHOOK with a url or an UPSERT_ENTITY with a mapping; other nodes wait for a backend's PATCH,
 * and their work item is done at once.
 */
export function nodeOwesDelivery(config: { type: string; url?: unknown; mapping?: unknown }) {
  if (config.type === 'WEBHOOK') return typeof config.url === 'string';
  return config.type === 'UPSERT_ENTITY' && config.mapping !== undefined;
}

/** Whether an action's runs are posted anywhere: a WEBHOOK invocation with a url. */
export const actionOwesDelivery = (
  method: { type?: unknown; url?: unknown } | undefined,
): method is { type: 'WEBHOOK'; url: string } =>
  method?.type === 'WEBHOOK' && typeof method.url === 'string';

/** How a work item reads on a run: `attempt` is the one in flight, coming next, or last made. */
export function deliveryOf(
  item: DeliveryItem,
  maxAttempts: number,
  target: string | null,
): Delivery {
  return {
    state: item.state,
    attempt: item.state === 'queued' ? item.attempts + 1 : Math.max(item.attempts, 1),
    maxAttempts,
    nextAttemptAt: item.state === 'queued' ? item.nextAttemptAt.toISOString() : null,
    claimedUntil: item.state === 'claimed' ? (item.claimedUntil?.toISOString() ?? null) : null,
    lastError: item.lastError,
    target,
  };
}

/**
 * What "retry delivery now" does to a work item: returns the item to make due at once, and
 * whether its attempts count anew (a `failed` item of a run still in progress gets a fresh
 * delivery; a queued one waiting out its back-off, or one whose lease ran out, keeps its count).
 * `open` says whether its node run or action run is still in progress: nothing is sent for one
 * that ended. An item a server holds under a live lease is being sent right now: 409.
 */
export function planRetryNow<T extends DeliveryItem>(
  item: T | undefined,
  open: boolean,
  what: string,
  now: Date,
): { item: T; resetAttempts: boolean } {
  if (!item || item.state === 'done') {
    throw invalid(`Nothing is owed to a backend for ${what}`);
  }
  if (!open) throw invalid(`${what} has ended; its delivery is not retried`);
  if (item.state === 'claimed' && item.claimedUntil !== null && item.claimedUntil >= now) {
    throw conflict(`${what} is already being delivered`);
  }
  return { item, resetAttempts: item.state === 'failed' };
}

/** Retrying a delivery now is for admins: it sends a request to a backend on the server's behalf. */
export function assertCanRetryDelivery(actor: Actor) {
  if (actor.role !== 'admin') throw forbidden('Only admins may retry a delivery');
}

export const retriedLine = (who: string) => `Delivery retried now by ${who}`;
