import { TextInput } from '@mantine/core';

export interface UserPickerProps {
  label: string;
  description?: string;
  required?: boolean;
  error?: string | null;
  /** A person's email (Port's `format: user` inputs carry emails). */
  value: string;
  onChange: (email: string) => void;
}

/**
 * Picks a person for a `format: user` input. Until the users API exists this is an email box;
 * the people work replaces it with a searchable picker keeping these props.
 */
export function UserPicker({
  label,
  description,
  required,
  error,
  value,
  onChange,
}: UserPickerProps) {
  return (
    <TextInput
      type="email"
      label={label}
      description={description}
      required={required}
      error={error}
      value={value}
      placeholder="name@example.com"
      onChange={(e) => onChange(e.currentTarget.value)}
    />
  );
}
