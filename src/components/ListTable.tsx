import { Paper, Table, type TableProps } from '@mantine/core';
import classes from './ListTable.module.css';

/**
 * A list's table, in a bordered box unless `framed` is false. From 48em it is a table, scrolling
 * sideways inside its box when the window is narrower than `minWidth`; below (phones) each row is
 * a card of labelled fields, so the list reads without scrolling sideways. Each body cell names
 * its column in `data-label` (the card's label; leave it out for a cell that says what it is) and
 * may take a whole line of the card with `data-wide`.
 */
export function ListTable({
  minWidth,
  framed = true,
  ...props
}: TableProps & { minWidth: number; framed?: boolean }) {
  const table = (
    <Table.ScrollContainer minWidth={minWidth} classNames={{ scrollContainerInner: classes.inner }}>
      <Table {...props} className={classes.table} />
    </Table.ScrollContainer>
  );
  return framed ? <Paper withBorder>{table}</Paper> : table;
}
