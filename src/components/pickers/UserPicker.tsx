import { Select } from '@mantine/core';
import { clearButtonFor } from './clear-button';
import { useQuery } from '@tanstack/react-query';
import { displayName, type User } from '../../../contract/users';
import { usersQueryOptions } from '../../lib/users';

export interface UserPickerProps {
  label: string;
  description?: string;
  required?: boolean;
  disabled?: boolean;
  error?: string | null;
  /** A person's email (Port's `format: user` inputs carry emails), or their id with `valueKind="id"`. */
  value: string;
  onChange: (email: string) => void;
  /** What `value` holds: an email (the default, for inputs) or a user id (for "started by" filters). */
  valueKind?: 'email' | 'id';
  /** Also offer machine credentials (a filter on who started a run). */
  includeMachines?: boolean;
  placeholder?: string;
  clearable?: boolean;
  w?: number | string;
}

const optionLabel = (user: User) => {
  const name = displayName(user);
  const machine = user.role === 'machine' ? ' (machine)' : '';
  return name === user.email ? `${name}${machine}` : `${name} · ${user.email}${machine}`;
};

/**
 * Picks a person, searchable by name or email, from `GET /v1/users`. A value the list does not
 * hold (an email typed before the list loads, a deactivated person) is kept and shown as is.
 */
export function UserPicker({
  label,
  description,
  required,
  disabled,
  error,
  value,
  onChange,
  valueKind = 'email',
  includeMachines = false,
  placeholder = 'Search by name or email',
  clearable = true,
  w,
}: UserPickerProps) {
  const users = useQuery(usersQueryOptions());
  const keyOf = (u: User) => (valueKind === 'id' ? u.id : u.email);
  const options = (users.data ?? [])
    .filter((u) => includeMachines || u.role !== 'machine')
    .filter((u) => u.status === 'ACTIVE' || keyOf(u) === value)
    .map((u) => ({ value: keyOf(u), label: optionLabel(u) }));
  if (value && !options.some((o) => o.value === value)) options.push({ value, label: value });
  return (
    <Select
      label={label}
      description={description}
      required={required}
      disabled={disabled}
      error={error}
      data={options}
      value={value || null}
      onChange={(v) => onChange(v ?? '')}
      searchable
      clearable={clearable && !required}
      clearButtonProps={clearButtonFor(label)}
      placeholder={placeholder}
      nothingFoundMessage={users.isPending ? 'Loading people…' : 'Nobody matches'}
      w={w}
    />
  );
}
