import { describe, expect, it } from 'vitest';
import { safeRedirect } from './redirect';

describe('safeRedirect', () => {
  it('returns to a path of this site', () => {
    expect(safeRedirect('/runs/wfr_abc?node=x')).toBe('/runs/wfr_abc?node=x');
  });
  it('falls back to the workflows for missing, absolute or protocol-relative targets', () => {
    expect(safeRedirect(undefined)).toBe('/workflows');
    expect(safeRedirect('https://evil.example')).toBe('/workflows');
    expect(safeRedirect('//evil.example')).toBe('/workflows');
    expect(safeRedirect('/\\evil.example')).toBe('/workflows');
  });
});
