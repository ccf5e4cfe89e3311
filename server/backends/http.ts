import { sign, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './signing';

export interface DeliveryOptions {
  /** Per attempt. */
  timeoutMs: number;
  /** Further attempts after a network error, a timeout, a 429 or a 5xx. */
  retries: number;
  /** Wait before the first retry; doubles for each one after (with jitter, up to a cap). */
  backoffMs: number;
}

/** Which delivery this request is, so a backend can drop a repeat (delivery is at least once). */
export interface DeliveryAttempt {
  /** Stable across the attempts of one delivery. */
  id: string;
  /** 1-based. */
  number: number;
  /** Attempts allowed in all. */
  of: number;
}

export const DELIVERY_HEADER = 'X-Runboard-Delivery';
export const ATTEMPT_HEADER = 'X-Runboard-Attempt';

export interface WebhookRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
  secret: string;
}

export interface Attempt {
  /** One line for the run's log: method, URL without query or credentials, status, duration. */
  line: string;
  failed: boolean;
}

export type Delivery =
  | { kind: 'response'; status: number; ok: boolean; text: string; json: unknown }
  | { kind: 'error'; reason: string };

const METHODS_WITHOUT_BODY = new Set(['GET', 'HEAD']);
const EXCERPT = 500;

/** The URL as it may appear in logs: no credentials, no query string (tokens live there). */
export function loggableUrl(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}

export const excerpt = (text: string) =>
  text.length > EXCERPT ? `${text.slice(0, EXCERPT)}… (${text.length} characters)` : text;

/**
 * What went wrong with a delivery, in the words the run's log shows, or null when the backend
 * answered 2xx; `retry` says whether the work queue should try again (attempts remain and the
 * failure is a network error, a timeout, a 429 or a 5xx).
 */
export function deliveryProblem(
  delivery: Delivery,
  attempt: DeliveryAttempt,
): { message: string; retry: boolean } | null {
  if (delivery.kind === 'response' && delivery.ok) return null;
  const message =
    delivery.kind === 'error'
      ? `Webhook failed: ${delivery.reason}`
      : `Webhook answered ${delivery.status}: ${excerpt(delivery.text) || '(empty body)'}`;
  return { message, retry: isRetryable(delivery) && attempt.number < attempt.of };
}

const isRetryable = (d: Delivery) => d.kind === 'error' || d.status === 429 || d.status >= 500;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

async function attempt(
  request: WebhookRequest,
  raw: string | undefined,
  timeoutMs: number,
  delivery: DeliveryAttempt,
) {
  const headers: Record<string, string> = {
    ...request.headers,
    [DELIVERY_HEADER]: delivery.id,
    [ATTEMPT_HEADER]: String(delivery.number),
  };
  if (raw !== undefined) {
    headers['content-type'] ??= 'application/json';
    headers[SIGNATURE_HEADER] = sign(request.secret, raw);
    headers[TIMESTAMP_HEADER] = String(Math.floor(Date.now() / 1000));
  }
  try {
    const res = await fetch(request.url, {
      method: request.method,
      headers,
      ...(raw !== undefined ? { body: raw } : {}),
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    return {
      kind: 'response' as const,
      status: res.status,
      ok: res.status >= 200 && res.status < 300,
      text,
      json: parseJson(text),
    };
  } catch (err) {
    const reason =
      err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')
        ? `no answer within ${timeoutMs} ms`
        : err instanceof Error
          ? `${err.message}${err.cause instanceof Error ? ` (${err.cause.message})` : ''}`
          : String(err);
    return { kind: 'error' as const, reason };
  }
}

/**
 * Sends one attempt of a signed request and tells `onAttempt` how it went (one log line). Never
 * throws: a backend that is down comes back as a `Delivery` of kind `error`. Retries are the work
 * queue's business (server/backends/dispatcher.ts), so they survive restarts.
 */
export async function deliver(
  request: WebhookRequest,
  options: Pick<DeliveryOptions, 'timeoutMs'>,
  delivery: DeliveryAttempt,
  onAttempt: (a: Attempt) => Promise<void>,
): Promise<Delivery> {
  const method = request.method.toUpperCase();
  const raw = METHODS_WITHOUT_BODY.has(method) ? undefined : JSON.stringify(request.body ?? {});
  const where = `${method} ${loggableUrl(request.url)}`;
  const started = performance.now();
  const result = await attempt({ ...request, method }, raw, options.timeoutMs, delivery);
  const ms = Math.round(performance.now() - started);
  const tries = delivery.of > 1 ? ` (attempt ${delivery.number} of ${delivery.of})` : '';
  const outcome =
    result.kind === 'error' ? `failed: ${result.reason}` : `answered ${result.status}`;
  await onAttempt({
    line: `${where} ${outcome} in ${ms} ms${tries}`,
    failed: result.kind === 'error' || !result.ok,
  });
  return result;
}
