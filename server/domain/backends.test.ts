import { describe, expect, it } from 'vitest';
import { invocationUrlProblem, webhookUrlProblem } from './backends';

describe('backend url checks', () => {
  it('accepts http(s) webhook urls, templated ones and nodes without a url', () => {
    expect(
      webhookUrlProblem([
        { identifier: 'a', config: { type: 'WEBHOOK', url: 'https://svc.local/x' } },
        { identifier: 'b', config: { type: 'WEBHOOK', url: 'http://{{ .outputs.a.host }}/y' } },
        { identifier: 'c', config: { type: 'WEBHOOK' } },
      ]),
    ).toBeNull();
  });

  it('names the node and field of a webhook url that is not http(s)', () => {
    expect(
      webhookUrlProblem([
        { identifier: 't', config: { type: 'SELF_SERVE_TRIGGER' } },
        { identifier: 'hook', config: { type: 'WEBHOOK', url: 'javascript:alert(1)' } },
      ]),
    ).toBe('nodes[1].config.url of node "hook" must be an http(s) URL');
  });

  it('checks an action webhook url only for WEBHOOK invocation methods', () => {
    expect(invocationUrlProblem({ type: 'WEBHOOK', url: 'https://x.local/hook' })).toBeNull();
    expect(invocationUrlProblem({ type: 'GITHUB', url: 'whatever' })).toBeNull();
    expect(invocationUrlProblem({ type: 'WEBHOOK', url: 'file:///etc/passwd' })).toMatch(
      /invocationMethod\.url/,
    );
  });
});
