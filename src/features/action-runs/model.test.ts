import { describe, expect, it } from 'vitest';
import { actionRunsQueryParams, informativeLabel, runLinks } from './model';

describe('informativeLabel', () => {
  it('keeps a label that says more than the status, live or ended', () => {
    expect(informativeLabel({ status: 'IN_PROGRESS', statusLabel: 'Deploying 3/5' })).toBe(
      'Deploying 3/5',
    );
    expect(informativeLabel({ status: 'FAILURE', statusLabel: 'Quota exceeded' })).toBe(
      'Quota exceeded',
    );
  });

  it('drops a label that only repeats the status (no “Failed · Failed”)', () => {
    expect(informativeLabel({ status: 'FAILURE', statusLabel: 'Failed' })).toBeNull();
    expect(informativeLabel({ status: 'FAILURE', statusLabel: 'failure' })).toBeNull();
    expect(informativeLabel({ status: 'SUCCESS', statusLabel: 'Succeeded!' })).toBeNull();
    expect(informativeLabel({ status: 'IN_PROGRESS', statusLabel: 'In progress…' })).toBeNull();
    expect(informativeLabel({ status: 'SUCCESS', statusLabel: null })).toBeNull();
  });
});

const NOW = Date.parse('2026-06-01T12:00:00.000Z');

describe('actionRunsQueryParams', () => {
  it('sends the user box as an email or a user id', () => {
    expect(actionRunsQueryParams({ user: 'ann@example.com' }, NOW)).toMatchObject({
      user_email: 'ann@example.com',
      user_id: undefined,
    });
    expect(actionRunsQueryParams({ user: 'user_admin', active: true }, NOW)).toMatchObject({
      user_id: 'user_admin',
      user_email: undefined,
      active: 'true',
    });
  });

  it('sends a preset as a from counted back from now, instead of the custom range', () => {
    expect(
      actionRunsQueryParams({ range: '7d', from: '2020-01-01T00:00:00.000Z', to: 'x' }, NOW),
    ).toMatchObject({ from: new Date(NOW - 7 * 86_400_000).toISOString(), to: undefined });
  });

  it('sends the date range as from/to', () => {
    expect(
      actionRunsQueryParams(
        { from: '2026-01-01T00:00:00.000Z', to: '2026-01-02T00:00:00.000Z' },
        NOW,
      ),
    ).toMatchObject({ from: '2026-01-01T00:00:00.000Z', to: '2026-01-02T00:00:00.000Z' });
  });
});

describe('runLinks', () => {
  it('reads one link or a list', () => {
    expect(runLinks(null)).toEqual([]);
    expect(runLinks('https://a')).toEqual(['https://a']);
    expect(runLinks(['https://a', 'https://b'])).toEqual(['https://a', 'https://b']);
  });
});
