import { Button, Group, TextInput } from '@mantine/core';
import classes from './JsonInspector.module.css';

interface Props {
  raw: boolean;
  onRawChange: (raw: boolean) => void;
  /** "Expand all" is still counting what it will open. */
  expanding: boolean;
  onExpandAll: () => void;
  onCollapseAll: () => void;
  label: string;
  query: string;
  onQueryChange: (query: string) => void;
  /** "k of N" while a search is on, else null. */
  counter: string | null;
  noMatches: boolean;
  onStep: (delta: 1 | -1) => void;
  /** Focus the search box on mount (a person was typing in it before the value arrived). */
  focusSearch?: boolean;
}

/** Expand/collapse all, the raw view switch, and search with previous/next. */
export function InspectorToolbar({
  raw,
  onRawChange,
  expanding,
  onExpandAll,
  onCollapseAll,
  label,
  query,
  onQueryChange,
  counter,
  noMatches,
  onStep,
  focusSearch = false,
}: Props) {
  return (
    // Wraps on a narrow screen rather than cutting the buttons' labels.
    <Group className={classes.toolbar} gap="xs" wrap="wrap">
      <Button
        size="compact-sm"
        variant="default"
        onClick={onExpandAll}
        loading={expanding}
        disabled={raw}
      >
        Expand all
      </Button>
      <Button size="compact-sm" variant="default" onClick={onCollapseAll} disabled={raw}>
        Collapse all
      </Button>
      <Button
        size="compact-sm"
        variant={raw ? 'filled' : 'default'}
        aria-pressed={raw}
        onClick={() => onRawChange(!raw)}
      >
        Raw
      </Button>
      <TextInput
        size="xs"
        style={{ flex: '1 1 160px', minWidth: 120 }}
        aria-label={`Search ${label.toLowerCase()}`}
        placeholder="Search keys and values"
        value={query}
        disabled={raw}
        // Only when the person was already typing in the search box (see JsonInspector).
        autoFocus={focusSearch}
        onChange={(event) => onQueryChange(event.currentTarget.value)}
        onKeyDown={(event) => {
          if (event.key !== 'Enter') return;
          event.preventDefault();
          onStep(event.shiftKey ? -1 : 1);
        }}
      />
      {counter && !raw && (
        <>
          <span
            aria-live="polite"
            style={{ fontSize: 12, whiteSpace: 'nowrap', color: 'var(--mantine-color-dimmed)' }}
          >
            {counter}
          </span>
          <Button
            size="compact-sm"
            variant="subtle"
            aria-label="Previous match"
            onClick={() => onStep(-1)}
            disabled={noMatches}
          >
            ↑
          </Button>
          <Button
            size="compact-sm"
            variant="subtle"
            aria-label="Next match"
            onClick={() => onStep(1)}
            disabled={noMatches}
          >
            ↓
          </Button>
        </>
      )}
    </Group>
  );
}
