import { Button, Group, Stack } from '@mantine/core';
import { useId, useState, type ReactNode } from 'react';
import { ChevronDownIcon, FilterIcon } from './icons';
import classes from './FilterBar.module.css';

/**
 * A list's filters. From 48em (Mantine's `sm`) they are one wrapping row, "Clear filters" last
 * while any is set. Below (phones), where they would fill the first screen and push the list's
 * first entry below it, they fold behind one "Filters" button that counts the filters set
 * ("Filters · 2"), with "Clear filters" beside it; the button opens them in place. A filter set
 * by the URL applies either way and counts as set.
 */
export function FilterBar({
  active,
  onClear,
  children,
}: {
  /** How many filters are set (`activeFilterCount`). */
  active: number;
  onClear: () => void;
  children: ReactNode;
}) {
  const [opened, setOpened] = useState(false);
  const id = useId();
  const clear = (from: 'narrow' | 'wide') => (
    <Button variant="subtle" onClick={onClear} {...(from === 'wide' ? { visibleFrom: 'sm' } : {})}>
      Clear filters
    </Button>
  );
  return (
    <Stack gap="sm">
      <Group gap="xs" hiddenFrom="sm">
        <Button
          variant="default"
          aria-expanded={opened}
          aria-controls={id}
          onClick={() => setOpened((o) => !o)}
          leftSection={<FilterIcon />}
          rightSection={
            <ChevronDownIcon style={{ transform: opened ? 'rotate(180deg)' : undefined }} />
          }
        >
          {active > 0 ? `Filters · ${active}` : 'Filters'}
        </Button>
        {active > 0 && clear('narrow')}
      </Group>
      <Group
        id={id}
        className={classes.filters}
        data-open={opened || undefined}
        gap="sm"
        align="flex-end"
        wrap="wrap"
      >
        {children}
        {active > 0 && clear('wide')}
      </Group>
    </Stack>
  );
}
