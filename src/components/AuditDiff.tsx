import { Table, Text } from '@mantine/core';
import type { AuditEntry } from '../../contract/entities';
import { changedFields, formatValue } from '../lib/diff';
import { ListTable } from './ListTable';

/** Bookkeeping every write touches; the change a person looks for is in the other fields. */
const BOOKKEEPING = new Set(['createdAt', 'createdBy', 'updatedAt', 'updatedBy']);

/** An entity change as a table of the fields it changed, before and after. */
export function AuditDiff({ diff }: { diff: AuditEntry['diff'] }) {
  const changes = changedFields(diff.before, diff.after).filter((c) => !BOOKKEEPING.has(c.path));
  if (changes.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No field changed.
      </Text>
    );
  }
  return (
    <ListTable
      minWidth={480}
      framed={false}
      verticalSpacing={4}
      fz="sm"
      aria-label="Changes"
      withTableBorder
    >
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Field</Table.Th>
          <Table.Th>Before</Table.Th>
          <Table.Th>After</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {changes.map((c) => (
          <Table.Tr key={c.path}>
            <Table.Td ff="monospace" data-label="Field" data-wide>
              {c.path}
            </Table.Td>
            <Table.Td
              data-label="Before"
              ff="monospace"
              c={c.before === undefined ? 'dimmed' : 'var(--mantine-color-red-light-color)'}
            >
              <Text span inherit style={{ wordBreak: 'break-word' }}>
                {formatValue(c.before)}
              </Text>
            </Table.Td>
            <Table.Td
              data-label="After"
              ff="monospace"
              c={c.after === undefined ? 'dimmed' : 'var(--mantine-color-teal-light-color)'}
            >
              <Text span inherit style={{ wordBreak: 'break-word' }}>
                {formatValue(c.after)}
              </Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </ListTable>
  );
}
