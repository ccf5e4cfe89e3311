import { describe, expect, it } from 'vitest';
import { safeHttpUrl } from './urls';

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
