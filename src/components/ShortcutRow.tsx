import { Table } from '@mantine/core';
import type { ReactNode } from 'react';

/**
 * A table row whose whole area is a shortcut to its item. A link inside the row stays the real way
 * in (keyboard, middle-click), so clicks on links and buttons are left to them.
 */
export function ShortcutRow({
  onOpen,
  children,
}: {
  /** Without it the row is plain. */
  onOpen: (() => void) | undefined;
  children: ReactNode;
}) {
  return (
    <Table.Tr
      style={{ cursor: onOpen ? 'pointer' : undefined }}
      onClick={(e) => {
        if (!onOpen || (e.target as HTMLElement).closest('a,button')) return;
        onOpen();
      }}
    >
      {children}
    </Table.Tr>
  );
}
