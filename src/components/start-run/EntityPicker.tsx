import { Loader, MultiSelect, Select, type ComboboxItem } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { clearButtonFor } from '../pickers/clear-button';
import { entitySearchQueryOptions, type EntityOption } from './api';

/** At most this many matches are listed; typing narrows them (the server searches). */
const SHOWN = 50;

interface Common {
  label: string;
  description?: string | null | undefined;
  required?: boolean;
  disabled?: boolean;
  error?: string | null;
  /** The blueprint whose entities may be picked; null: any blueprint's (a workflow run's entity). */
  blueprint: string | null;
  /** Shown while nothing is picked (a filter's "Any entity"); by default "Search … entities". */
  placeholder?: string;
  w?: number;
}

const optionOf = (e: EntityOption): ComboboxItem => {
  const named = e.title && e.title !== e.identifier ? `${e.title} (${e.identifier})` : e.identifier;
  return { value: e.identifier, label: e.blueprint ? `${named} · ${e.blueprint}` : named };
};

const searchPlaceholder = (blueprint: string | null) =>
  blueprint ? `Search ${blueprint} entities` : 'Search entities';

/**
 * One option per identifier: a run names its entity by identifier alone, so entities of two
 * blueprints that share one are the same choice (the first found names it).
 */
const uniqueOptions = (entities: EntityOption[]) => {
  const seen = new Set<string>();
  return entities
    .filter((e) => !seen.has(e.identifier) && Boolean(seen.add(e.identifier)))
    .map(optionOf);
};

/** The blueprint's entities matching what was typed, with the picked ones kept listed. */
function useEntityOptions(blueprint: string | null, picked: string[]) {
  const [search, setSearch] = useState('');
  const [labels, setLabels] = useState<Map<string, ComboboxItem>>(() => new Map());
  // Once an entity is picked, a single picker's box shows its label: that is not a search.
  const pickedLabel = picked.length === 1 ? labels.get(picked[0]!)?.label : undefined;
  const [debounced] = useDebouncedValue(search === pickedLabel ? '' : search.trim(), 200);
  const query = useQuery({
    ...entitySearchQueryOptions(blueprint, debounced),
    placeholderData: keepPreviousData,
  });
  const found = uniqueOptions((query.data ?? []).slice(0, SHOWN));
  const shown = new Set(found.map((o) => o.value));
  const kept = picked
    .filter((id) => !shown.has(id))
    .map((id) => labels.get(id) ?? { value: id, label: id });
  const remember = (ids: string[]) =>
    setLabels((prev) => {
      const next = new Map(prev);
      for (const o of found) if (ids.includes(o.value)) next.set(o.value, o);
      return next;
    });
  return {
    data: [...kept, ...found],
    search,
    setSearch,
    remember,
    loading: query.isFetching,
    error: query.error,
  };
}

const serverFiltered = ({ options }: { options: ComboboxItem[] | unknown[] }) => options as never;

/** A searchable picker of one entity of a blueprint (Port's `format: entity` input). */
export function EntityPicker({
  value,
  onChange,
  ...common
}: Common & { value: string; onChange: (identifier: string) => void }) {
  const options = useEntityOptions(common.blueprint, value ? [value] : []);
  return (
    <Select
      label={common.label}
      description={common.description}
      required={common.required}
      disabled={common.disabled}
      error={common.error ?? (options.error ? 'The entities could not be loaded' : null)}
      placeholder={common.placeholder ?? searchPlaceholder(common.blueprint)}
      searchable
      clearable={!common.required}
      clearButtonProps={clearButtonFor(common.label)}
      w={common.w}
      data={options.data}
      filter={serverFiltered}
      searchValue={options.search}
      onSearchChange={options.setSearch}
      value={value === '' ? null : value}
      onChange={(v) => {
        if (v) options.remember([v]);
        onChange(v ?? '');
      }}
      nothingFoundMessage={options.loading ? 'Searching…' : 'No entity matches'}
      rightSection={options.loading ? <Loader size="xs" /> : undefined}
    />
  );
}

/** A searchable picker of several entities of a blueprint (an array of `format: entity`). */
export function EntityMultiPicker({
  value,
  onChange,
  ...common
}: Common & { value: string[]; onChange: (identifiers: string[]) => void }) {
  const options = useEntityOptions(common.blueprint, value);
  return (
    <MultiSelect
      label={common.label}
      description={common.description}
      required={common.required}
      disabled={common.disabled}
      error={common.error ?? (options.error ? 'The entities could not be loaded' : null)}
      placeholder={value.length ? undefined : searchPlaceholder(common.blueprint)}
      searchable
      clearable
      data={options.data}
      filter={serverFiltered}
      searchValue={options.search}
      onSearchChange={options.setSearch}
      value={value}
      onChange={(ids) => {
        options.remember(ids);
        onChange(ids);
      }}
      nothingFoundMessage={options.loading ? 'Searching…' : 'No entity matches'}
    />
  );
}
