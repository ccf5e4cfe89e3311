import { describe, expect, it } from 'vitest';
import { selectionPatch, validateRunSearch, type RunSearch } from './search';

describe('selecting another node', () => {
  const viewing: RunSearch = validateRunSearch({
    node: 'build',
    tab: 'output',
    level: 'ERROR',
    q: 'timeout',
    wrap: true,
    line: 12,
    follow: false,
    oq: 'artifact',
  });

  it("drops the previous node's line, follow choice and output search, keeps the log filters", () => {
    expect({ ...viewing, ...selectionPatch('deploy') }).toEqual({
      node: 'deploy',
      scope: undefined,
      tab: 'output',
      level: 'ERROR',
      q: 'timeout',
      wrap: true,
      line: undefined,
      follow: undefined,
      oq: undefined,
    });
  });

  it('does the same for all nodes', () => {
    expect({ ...viewing, ...selectionPatch(null) }).toMatchObject({
      node: undefined,
      scope: 'all',
      line: undefined,
      follow: undefined,
      oq: undefined,
      q: 'timeout',
    });
  });
});
