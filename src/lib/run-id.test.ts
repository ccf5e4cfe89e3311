import { describe, expect, it } from 'vitest';
import { parseRunId, runPageOf } from './run-id';

describe('parseRunId', () => {
  it('reads a bare workflow run id and action run id', () => {
    expect(parseRunId(' wfr_AbCdEfGh12345678 ')).toEqual({
      kind: 'workflow-run',
      id: 'wfr_AbCdEfGh12345678',
    });
    expect(parseRunId('r_0123456789abcdef')).toEqual({
      kind: 'action-run',
      id: 'r_0123456789abcdef',
    });
    expect(parseRunId('wfnr_0123456789abcdef')).toEqual({
      kind: 'node-run',
      id: 'wfnr_0123456789abcdef',
    });
  });

  it('finds the id inside a pasted URL, keeping the query of a link to the run’s page', () => {
    expect(parseRunId('http://localhost:8080/actions/runs/r_0123456789abcdef?line=3')).toEqual({
      kind: 'action-run',
      id: 'r_0123456789abcdef',
      search: '?line=3',
    });
    expect(parseRunId('https://rb.example/runs/wfr_AbCdEfGh12345678?node=build&line=42')).toEqual({
      kind: 'workflow-run',
      id: 'wfr_AbCdEfGh12345678',
      search: '?node=build&line=42',
    });
    // Another page's query is not the run page's.
    expect(parseRunId('https://rb.example/runs/compare?a=wfr_AbCdEfGh12345678&b=x')).toEqual({
      kind: 'workflow-run',
      id: 'wfr_AbCdEfGh12345678',
    });
  });

  it('opens a link to any page of this dashboard as it is, query and hash kept', () => {
    const origin = 'http://localhost:8080';
    expect(parseRunId(`${origin}/runs/compare?a=wfr_AbCdEfGh12345678&b=x`, origin)).toEqual({
      kind: 'page',
      href: '/runs/compare?a=wfr_AbCdEfGh12345678&b=x',
    });
    expect(
      parseRunId(` ${origin}/runs/wfr_AbCdEfGh12345678?node=wfnr_0123456789abcdef `, origin),
    ).toEqual({
      kind: 'page',
      href: '/runs/wfr_AbCdEfGh12345678?node=wfnr_0123456789abcdef',
    });
    expect(parseRunId(`${origin}/entities/service/payments#activity`, origin)).toEqual({
      kind: 'page',
      href: '/entities/service/payments#activity',
    });
    // An entity's identifier may hold a dot (Port allows it): still a page.
    expect(parseRunId(`${origin}/entities/service/api.v2`, origin)).toEqual({
      kind: 'page',
      href: '/entities/service/api.v2',
    });
    expect(parseRunId(`${origin}/favicon.svg`, origin)).toBeNull();
    // The API, the health check and built files are not pages: the id inside still counts.
    expect(
      parseRunId(`${origin}/v1/workflows/nodes/runs/wfnr_0123456789abcdef/logs`, origin),
    ).toEqual({
      kind: 'node-run',
      id: 'wfnr_0123456789abcdef',
    });
    expect(parseRunId(`${origin}/healthz`, origin)).toBeNull();
    expect(parseRunId(`${origin}/assets/index-abc.js`, origin)).toBeNull();
    // Another address's page: only the run it names, as before.
    expect(parseRunId('https://rb.example/runs/compare?a=wfr_AbCdEfGh12345678', origin)).toEqual({
      kind: 'workflow-run',
      id: 'wfr_AbCdEfGh12345678',
    });
  });

  it('refuses ids of the wrong length and text without an id', () => {
    expect(parseRunId('wfr_short')).toBeNull();
    expect(parseRunId('r_0123456789abcdefX')).toBeNull();
    expect(parseRunId('deploy-service')).toBeNull();
    expect(parseRunId('')).toBeNull();
  });
});

describe('runPageOf', () => {
  it("names a workflow run's or an action run's page by the id's prefix, nothing else", () => {
    expect(runPageOf('wfr_AbCdEfGh12345678')).toBe('/runs/$runId');
    expect(runPageOf('r_AbCdEfGh12345678')).toBe('/actions/runs/$runId');
    expect(runPageOf('wfnr_AbCdEfGh12345678')).toBeNull();
  });
});
