import { describe, expect, it } from 'vitest';
import { safeRedirect } from './redirect';

describe('safeRedirect', () => {
  it('keeps a path of this site with its query and fragment', () => {
    expect(safeRedirect('/runs/wfr_abc?node=x#logs')).toBe('/runs/wfr_abc?node=x#logs');
    expect(safeRedirect('/workflows')).toBe('/workflows');
  });

  it('falls back for a missing target', () => {
    expect(safeRedirect(undefined)).toBe('/');
    expect(safeRedirect('', '/workflows')).toBe('/workflows');
  });

  it('refuses every target a browser would resolve to another site', () => {
    for (const target of [
      '/\\evil.com',
      '//evil.com',
      '\\\\evil.com',
      '/.//evil.com',
      '/a/..//evil.com',
      'https://evil.com',
      'javascript:alert(1)',
      '\t//evil.com',
      '/\t/evil.com',
    ]) {
      expect(safeRedirect(target), JSON.stringify(target)).toBe('/');
    }
  });

  it('keeps control characters from turning a path into a host', () => {
    // Encoded, the tab stays part of a path on this site.
    expect(safeRedirect('/%09/evil.com')).toBe('/%09/evil.com');
    // Raw, the browser drops it: what remains is a path here.
    expect(safeRedirect('\t/evil')).toBe('/evil');
  });
});
