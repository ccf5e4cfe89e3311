import { sign, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './signing';

export interface DeliveryOptions {
  /** Per attempt. */
  timeoutMs: number;
  /** Further attempts after a network error, a timeout, a 429 or a 5xx. */
  retries: number;
  /** Wait before the first retry; doubles for each one after. */
  backoffMs: number;
}

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

const retryable = (d: Delivery) => d.kind === 'error' || d.status === 429 || d.status >= 500;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

async function attempt(request: WebhookRequest, raw: string | undefined, timeoutMs: number) {
  const headers: Record<string, string> = { ...request.headers };
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

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms).unref();
  });

/**
 * Sends a signed request, retrying with exponential backoff; `onAttempt` hears about each try
 * as it ends. Never throws: a backend that is down comes back as a `Delivery` of kind `error`.
 */
export async function deliver(
  request: WebhookRequest,
  options: DeliveryOptions,
  onAttempt: (a: Attempt) => Promise<void>,
): Promise<Delivery> {
  const method = request.method.toUpperCase();
  const raw = METHODS_WITHOUT_BODY.has(method) ? undefined : JSON.stringify(request.body ?? {});
  const where = `${method} ${loggableUrl(request.url)}`;
  let delivery: Delivery = { kind: 'error', reason: 'not sent' };
  for (let i = 0; i <= options.retries; i++) {
    if (i > 0) await sleep(options.backoffMs * 2 ** (i - 1));
    const started = performance.now();
    delivery = await attempt({ ...request, method }, raw, options.timeoutMs);
    const ms = Math.round(performance.now() - started);
    const tries = options.retries > 0 ? ` (attempt ${i + 1} of ${options.retries + 1})` : '';
    const outcome =
      delivery.kind === 'error' ? `failed: ${delivery.reason}` : `answered ${delivery.status}`;
    await onAttempt({
      line: `${where} ${outcome} in ${ms} ms${tries}`,
      failed: delivery.kind === 'error' || !delivery.ok,
    });
    if (!retryable(delivery)) break;
  }
  return delivery;
}
