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
            <ValueCell label="Before" value={c.before} color="red" />
            <ValueCell label="After" value={c.after} color="teal" />
          </Table.Tr>
        ))}
      </Table.Tbody>
    </ListTable>
  );
}

/** A field's value before or after, as text; dimmed when the field was not there. */
function ValueCell({
  label,
  value,
  color,
}: {
  label: string;
  value: unknown;
  color: 'red' | 'teal';
}) {
  return (
    <Table.Td
      data-label={label}
      ff="monospace"
      c={value === undefined ? 'dimmed' : `var(--mantine-color-${color}-light-color)`}
    >
      <Text span inherit style={{ wordBreak: 'break-word' }}>
        {formatValue(value)}
      </Text>
    </Table.Td>
  );
}
