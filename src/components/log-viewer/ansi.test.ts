import { describe, expect, it } from 'vitest';
import { ansiRuns, paletteColor, styledParts, visibleText } from './ansi';

const ESC = '\u001b';

describe('ANSI colour codes in log lines', () => {
  it('turns colour codes into styled runs of the visible text', () => {
    expect(ansiRuns(`${ESC}[31mred${ESC}[0m plain ${ESC}[1;32mbold green${ESC}[0m`)).toEqual([
      { text: 'red', style: { color: 'var(--ansi-red)' } },
      { text: ' plain ', style: undefined },
      { text: 'bold green', style: { color: 'var(--ansi-green)', fontWeight: 700 } },
    ]);
  });

  it('reads 256-colour and true-colour codes, backgrounds and decorations', () => {
    expect(
      ansiRuns(`${ESC}[38;5;208mo${ESC}[0m${ESC}[38;2;10;20;30mt${ESC}[0m${ESC}[4;44mu`),
    ).toEqual([
      { text: 'o', style: { color: 'rgb(255, 135, 0)' } },
      { text: 't', style: { color: 'rgb(10, 20, 30)' } },
      { text: 'u', style: { backgroundColor: 'var(--ansi-blue)', textDecoration: 'underline' } },
    ]);
    expect(paletteColor(9)).toBe('var(--ansi-bright-red)');
    expect(paletteColor(232)).toBe('rgb(8, 8, 8)');
  });

  it('drops cursor moves and hyperlink sequences, keeping their text', () => {
    expect(
      visibleText(`a${ESC}[2Kb${ESC}[1Gc ${ESC}]8;;https://x.test${ESC}\\link${ESC}]8;;\u0007`),
    ).toBe('abc link');
  });

  it('keeps markup as text', () => {
    expect(ansiRuns(`${ESC}[31m<img src=x onerror=alert(1)>`)).toEqual([
      { text: '<img src=x onerror=alert(1)>', style: { color: 'var(--ansi-red)' } },
    ]);
  });

  it('finds a search in the visible text, across colour changes', () => {
    const parts = styledParts(`${ESC}[32mPA${ESC}[0mSS and pass`, 'pass');
    expect(parts).toEqual([
      { text: 'PA', style: { color: 'var(--ansi-green)' }, match: true },
      { text: 'SS', style: undefined, match: true },
      { text: ' and ', style: undefined, match: false },
      { text: 'pass', style: undefined, match: true },
    ]);
    // A colour code's own characters are never a match.
    expect(styledParts(`${ESC}[31mred`, '31m').some((p) => p.match)).toBe(false);
  });

  it('treats regex characters in the query literally', () => {
    expect(styledParts('cost $1.50 [x] <b>', '$1.5').map((p) => [p.text, p.match])).toEqual([
      ['cost ', false],
      ['$1.5', true],
      ['0 [x] <b>', false],
    ]);
  });

  it('leaves a plain line as one part', () => {
    expect(styledParts('plain', '')).toEqual([{ text: 'plain', style: undefined, match: false }]);
    expect(styledParts('', 'x')).toEqual([{ text: '', style: undefined, match: false }]);
  });
});
