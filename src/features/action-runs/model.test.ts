import { describe, expect, it } from 'vitest';
import { actionRunsQueryParams, runLinks, safeHttpUrl, statusLabelColor } from './model';

describe('safeHttpUrl', () => {
  it('keeps http and https URLs', () => {
    expect(safeHttpUrl('https://ci.example.com/runs/1')).toBe('https://ci.example.com/runs/1');
    expect(safeHttpUrl('http://jenkins.local:8080/job/x')).toBe('http://jenkins.local:8080/job/x');
  });

  it('refuses javascript:, data: and relative links', () => {
    expect(safeHttpUrl('javascript:alert(1)')).toBeNull();
    expect(safeHttpUrl(' JavaScript:alert(1)')).toBeNull();
    expect(safeHttpUrl('data:text/html,<script>alert(1)</script>')).toBeNull();
    expect(safeHttpUrl('/runs/1')).toBeNull();
    expect(safeHttpUrl('not a url')).toBeNull();
  });
});

describe('statusLabelColor', () => {
  it('colours the label like the status once the run ended', () => {
    expect(statusLabelColor('SUCCESS')).toBe('teal');
    expect(statusLabelColor('FAILURE')).toBe('red');
  });

  it('shows a label without a final status in a neutral colour', () => {
    expect(statusLabelColor('IN_PROGRESS')).toBe('gray');
    expect(statusLabelColor('WAITING_FOR_APPROVAL')).toBe('gray');
  });
});

describe('actionRunsQueryParams', () => {
  it('sends the user box as an email or a user id', () => {
    expect(actionRunsQueryParams({ user: 'ann@example.com' })).toMatchObject({
      user_email: 'ann@example.com',
      user_id: undefined,
    });
    expect(actionRunsQueryParams({ user: 'user_admin', active: true })).toMatchObject({
      user_id: 'user_admin',
      user_email: undefined,
      active: 'true',
    });
  });
});

describe('runLinks', () => {
  it('reads one link or a list', () => {
    expect(runLinks(null)).toEqual([]);
    expect(runLinks('https://a')).toEqual(['https://a']);
    expect(runLinks(['https://a', 'https://b'])).toEqual(['https://a', 'https://b']);
  });
});
