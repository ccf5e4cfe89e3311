import type { Page } from '@playwright/test';

/**
 * Why the page would make a person scroll sideways at its width, one line each (none: it reads
 * without): the document wider than the window, or an element of the page's content reaching past
 * the window's right edge — such as a table wider than the screen, scrolling inside its box.
 */
export async function sidewaysScroll(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const doc = document.documentElement;
    const width = doc.clientWidth;
    const found: string[] = [];
    if (doc.scrollWidth > width) found.push(`the document is ${doc.scrollWidth} px wide`);
    for (const el of document.querySelectorAll('main *')) {
      const box = el.getBoundingClientRect();
      if (box.width > 0 && box.right > width + 1) {
        const name = el.getAttribute('aria-label') ?? el.textContent?.slice(0, 40) ?? '';
        found.push(`<${el.tagName.toLowerCase()}> "${name}" ends at ${Math.round(box.right)} px`);
      }
    }
    return found.slice(0, 5);
  });
}

/**
 * The labels of a list's card fields shown over nothing (none: a card shows only what a row has),
 * one line each: a cell with a `data-label` that is displayed yet holds no text or element.
 */
export async function labelsOverNothing(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('main td[data-label]')]
      .filter((td) => getComputedStyle(td).display !== 'none' && td.childNodes.length === 0)
      .map((td) => `"${td.getAttribute('data-label')}" in row ${td.closest('tr')?.rowIndex}`)
      .slice(0, 5),
  );
}

/** The ARIA role each element of a list's table must carry (ListTable's TABLE_ROLES). */
const TABLE_ROLES: Record<string, string> = {
  TABLE: 'table',
  THEAD: 'rowgroup',
  TBODY: 'rowgroup',
  TR: 'row',
  TH: 'columnheader',
  TD: 'cell',
};

/**
 * The elements of the table named `name` (and of tables inside its cells) without their explicit
 * ARIA table role, one line each (none: all carry theirs). WebKit drops a table's implicit roles
 * once CSS changes its display, as the phone's cards do, so only written-out roles keep it a table.
 */
export async function missingTableRoles(page: Page, name: string): Promise<string[]> {
  return page.evaluate(
    ({ name, roles }) => {
      const table = [...document.querySelectorAll('main table')].find(
        (t) => t.getAttribute('aria-label') === name,
      );
      if (!table) return [`no table "${name}"`];
      return [table, ...table.querySelectorAll('thead, tbody, tr, th, td')]
        .filter((el) => el.getAttribute('role') !== roles[el.tagName])
        .map((el) => `<${el.tagName.toLowerCase()}> role=${el.getAttribute('role')}`)
        .slice(0, 5);
    },
    { name, roles: TABLE_ROLES },
  );
}
