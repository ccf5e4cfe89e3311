import { describe, expect, it } from 'vitest';
import {
  actionOwesDelivery,
  deliveryHost,
  deliveryOf,
  literalUrlHost,
  nodeOwesDelivery,
  planRetryNow,
  type DeliveryItem,
} from './delivery';
import { ApiError } from './errors';

const now = new Date('2025-01-01T12:00:00Z');
const later = new Date('2025-01-01T12:00:30Z');
const earlier = new Date('2025-01-01T11:59:30Z');
const item = (over: Partial<DeliveryItem>): DeliveryItem => ({
  state: 'queued',
  attempts: 1,
  nextAttemptAt: later,
  claimedUntil: null,
  lastError: 'Webhook answered 503',
  ...over,
});

function refusal(run: () => unknown) {
  try {
    run();
  } catch (err) {
    if (err instanceof ApiError) return [err.status, err.message];
  }
  throw new Error('not refused');
}

describe('literalUrlHost', () => {
  it('names the host (and port) of a literal http(s) URL, and nothing for a templated one', () => {
    expect(literalUrlHost('https://api.example.com/hooks?x=1')).toBe('api.example.com');
    expect(literalUrlHost('http://127.0.0.1:8080/x')).toBe('127.0.0.1:8080');
    expect(literalUrlHost('https://{{ .inputs.host }}/x')).toBeNull();
    expect(literalUrlHost('ftp://example.com')).toBeNull();
    expect(literalUrlHost(undefined)).toBeNull();
  });
});

describe('what the server owes', () => {
  it('owes a WEBHOOK node with a url, an UPSERT_ENTITY with a mapping, an action webhook with a url', () => {
    expect(nodeOwesDelivery({ type: 'WEBHOOK', url: 'https://{{ .inputs.h }}' })).toBe(true);
    expect(nodeOwesDelivery({ type: 'WEBHOOK' })).toBe(false);
    expect(nodeOwesDelivery({ type: 'UPSERT_ENTITY', mapping: {} })).toBe(true);
    expect(nodeOwesDelivery({ type: 'SELF_SERVE_TRIGGER' })).toBe(false);
    expect(actionOwesDelivery({ type: 'WEBHOOK', url: 'https://a' })).toBe(true);
    expect(actionOwesDelivery({ type: 'WEBHOOK' })).toBe(false);
    expect(actionOwesDelivery(undefined)).toBe(false);
  });
});

describe('deliveryOf', () => {
  it('counts the attempt coming next for a queued item and the one in flight for a claimed one', () => {
    expect(deliveryOf(item({}), 5, 'h')).toEqual({
      state: 'queued',
      attempt: 2,
      maxAttempts: 5,
      nextAttemptAt: later.toISOString(),
      claimedUntil: null,
      lastError: 'Webhook answered 503',
      target: 'h',
    });
    expect(deliveryOf(item({ state: 'claimed', claimedUntil: later }), 5, null)).toMatchObject({
      attempt: 1,
      nextAttemptAt: null,
      claimedUntil: later.toISOString(),
    });
  });
});

describe('planRetryNow', () => {
  it('makes a queued item due, keeping its attempts', () => {
    expect(planRetryNow(item({}), true, 'x', now).resetAttempts).toBe(false);
  });

  it('takes over an item whose lease ran out, and refuses one under a live lease with 409', () => {
    const expired = item({ state: 'claimed', claimedUntil: earlier });
    expect(planRetryNow(expired, true, 'x', now).item).toBe(expired);
    const held = item({ state: 'claimed', claimedUntil: later });
    expect(refusal(() => planRetryNow(held, true, 'Node run "n"', now))).toEqual([
      409,
      'Node run "n" is already being delivered',
    ]);
  });

  it('revives a failed item with fresh attempts only while its run is in progress', () => {
    expect(planRetryNow(item({ state: 'failed' }), true, 'x', now).resetAttempts).toBe(true);
    expect(refusal(() => planRetryNow(item({ state: 'failed' }), false, 'Run "r"', now))).toEqual([
      422,
      'Run "r" has ended; its delivery is not retried',
    ]);
  });

  it('answers 422 when nothing is owed', () => {
    expect(refusal(() => planRetryNow(undefined, true, 'x', now))[0]).toBe(422);
    expect(refusal(() => planRetryNow(item({ state: 'done' }), true, 'x', now))[0]).toBe(422);
  });
});

describe('deliveryHost', () => {
  const scope = {
    inputs: { region: 'eu' },
    outputs: { build: { url: 'https://ci.example.com/x' } },
  };

  it('is the host and port of the url rendered against the run', () => {
    expect(deliveryHost('http://127.0.0.1:8123/hook', scope)).toBe('127.0.0.1:8123');
    expect(deliveryHost('https://{{ .inputs.region }}.api.example.com/deploy', scope)).toBe(
      'eu.api.example.com',
    );
    expect(deliveryHost('{{ .outputs.build.url }}', scope)).toBe('ci.example.com');
  });

  it('is null when the url does not render to an http(s) URL', () => {
    expect(deliveryHost('https://{{ .inputs.missing }}.example.com', scope)).toBeNull();
    expect(deliveryHost('ftp://files.example.com', scope)).toBeNull();
    expect(deliveryHost(undefined, scope)).toBeNull();
  });
});
