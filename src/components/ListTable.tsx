import { Paper, Table, type TableProps } from '@mantine/core';
import classes from './ListTable.module.css';

/**
 * The table's roles, written out on every element it renders (Mantine's `attributes`, which each
 * `Table.Thead`/`Tbody`/`Tr`/`Th`/`Td` inside takes from the table): below 48em the rows are
 * cards laid out with `display: block`/`grid`, and WebKit drops a table's implicit roles once
 * its display changes, so VoiceOver would read the cards as plain text. Explicit roles keep the
 * table, its rows, column headers and cells in every browser.
 */
const TABLE_ROLES = {
  table: { role: 'table' },
  thead: { role: 'rowgroup' },
  tbody: { role: 'rowgroup' },
  tr: { role: 'row' },
  th: { role: 'columnheader' },
  td: { role: 'cell' },
};

/**
 * A list's table, in a bordered box unless `framed` is false. From 48em it is a table, scrolling
 * sideways inside its box when the window is narrower than `minWidth`; below (phones) each row is
 * a card of labelled fields, so the list reads without scrolling sideways. Each body cell names
 * its column in `data-label` (the card's label; leave it out for a cell that says what it is) and
 * may take a whole line of the card with `data-wide`. Its elements carry explicit ARIA table roles
 * (see TABLE_ROLES), so the cards stay a table to screen readers.
 */
export function ListTable({
  minWidth,
  framed = true,
  ...props
}: TableProps & { minWidth: number; framed?: boolean }) {
  const table = (
    <Table.ScrollContainer minWidth={minWidth} classNames={{ scrollContainerInner: classes.inner }}>
      <Table {...props} attributes={TABLE_ROLES} className={classes.table} />
    </Table.ScrollContainer>
  );
  return framed ? <Paper withBorder>{table}</Paper> : table;
}
