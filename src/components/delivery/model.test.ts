import { describe, expect, it } from 'vitest';
import type { Delivery } from '../../../contract/delivery';
import { agentLine, canRetryNow, deliveryLine, type AgentWork } from './model';

const now = Date.parse('2025-01-01T12:00:00Z');
const delivery = (over: Partial<Delivery>): Delivery => ({
  state: 'queued',
  attempt: 2,
  maxAttempts: 5,
  nextAttemptAt: '2025-01-01T12:00:08Z',
  claimedUntil: null,
  lastError: null,
  target: 'api.example.com',
  ...over,
});

describe('deliveryLine', () => {
  it('says where, which attempt and when the next one is', () => {
    expect(deliveryLine(delivery({}), now)).toBe(
      'Delivering to api.example.com (attempt 2 of 5, next in 8 s)',
    );
    expect(deliveryLine(delivery({ target: null, lastError: 'Webhook answered 503' }), now)).toBe(
      'Delivering (attempt 2 of 5, next in 8 s) — last error: Webhook answered 503',
    );
  });

  it('says a claimed item is being sent, until when its claim holds', () => {
    const line = deliveryLine(
      delivery({ state: 'claimed', nextAttemptAt: null, claimedUntil: '2025-01-01T12:01:03Z' }),
      now,
    );
    expect(line).toMatch(
      /^Sending now to api\.example\.com \(attempt 2 of 5, claimed until \d\d:\d1:03\)$/,
    );
  });

  it('says nothing when nothing is owed or it was delivered', () => {
    expect(deliveryLine(null, now)).toBeNull();
    expect(deliveryLine(undefined, now)).toBeNull();
    expect(deliveryLine(delivery({ state: 'done' }), now)).toBeNull();
  });

  it('names the last error of a failed delivery', () => {
    expect(deliveryLine(delivery({ state: 'failed', attempt: 5, lastError: 'boom' }), now)).toBe(
      'Delivery to api.example.com failed after 5 of 5 attempts — last error: boom',
    );
  });
});

describe('canRetryNow', () => {
  it('is offered while the item waits, not while it is being sent or once done', () => {
    expect(canRetryNow(delivery({}))).toBe(true);
    expect(canRetryNow(delivery({ state: 'failed' }))).toBe(true);
    expect(canRetryNow(delivery({ state: 'claimed' }))).toBe(false);
    expect(canRetryNow(delivery({ state: 'done' }))).toBe(false);
    expect(canRetryNow(null)).toBe(false);
  });
});

describe('agentLine', () => {
  const run = (over: Partial<AgentWork>): AgentWork => ({
    status: 'IN_PROGRESS',
    installationId: 'gitlab-ocean',
    pendingExecution: true,
    claimedUntil: null,
    ...over,
  });

  it('says a run waits for an agent until one claims it', () => {
    expect(agentLine(run({}), now)).toBe(
      'Waiting for an agent to claim it (installation gitlab-ocean)',
    );
  });

  it('names the agent holding the claim and until when', () => {
    expect(agentLine(run({ claimedUntil: '2025-01-01T12:01:03Z' }), now)).toMatch(
      /^Claimed by the gitlab-ocean agent until \d\d:\d1:03$/,
    );
  });

  it('waits again once a claim ran out unacknowledged', () => {
    expect(agentLine(run({ claimedUntil: '2025-01-01T11:59:00Z' }), now)).toMatch(
      /^Waiting for an agent to claim it \(installation gitlab-ocean\); its last claim expired at \d\d:59:00$/,
    );
  });

  it('says the agent took it once acknowledged, and nothing for other or ended runs', () => {
    expect(agentLine(run({ pendingExecution: false }), now)).toBe(
      'Taken by the gitlab-ocean agent; waiting for it to report',
    );
    expect(agentLine(run({ installationId: null }), now)).toBeNull();
    expect(agentLine(run({ status: 'SUCCESS' }), now)).toBeNull();
  });
});
