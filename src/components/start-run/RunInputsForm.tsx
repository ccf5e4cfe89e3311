import {
  Alert,
  Button,
  Group,
  MultiSelect,
  NumberInput,
  Select,
  Stack,
  Switch,
  TagsInput,
  TextInput,
  Textarea,
} from '@mantine/core';
import { DateTimePicker } from '@mantine/dates';
import '@mantine/dates/styles.css';
import { useState, type FormEvent } from 'react';
import { UserPicker } from '../pickers/UserPicker';
import type { StartRunRequest } from './api';
import { EntityMultiPicker, EntityPicker } from './EntityPicker';
import {
  fieldsFromUserInputs,
  initialValues,
  inputsFromForm,
  optionKey,
  parseJsonObject,
  type FieldErrors,
  type FieldValue,
  type FormValues,
  type InputField,
  type UserInputs,
} from './model';

const monospaceInput = { input: { fontFamily: 'var(--mantine-font-family-monospace)' } };

interface Props {
  userInputs: UserInputs | null;
  /** `none`: no entity field; `optional` / `required`: an Entity field, required for DAY-2 and DELETE actions. */
  entity: 'none' | 'optional' | 'required';
  /** The blueprint of the run's entity, whose entities the Entity field lists; null: any blueprint's. */
  entityBlueprint?: string | null;
  /** Values to start from instead of the schema's defaults (e.g. a re-run's inputs, to edit). */
  initialInputs?: Record<string, unknown>;
  initialEntity?: string;
  pending: boolean;
  /** The server's answer when starting failed, shown above the button. */
  serverError: string | null;
  onSubmit: (request: StartRunRequest) => void;
}

/**
 * The inputs of a run: one control per property of the definition's schema, or a JSON editor
 * when it has none. Nothing is sent while a field is missing or malformed.
 */
export function RunInputsForm({
  userInputs,
  entity,
  entityBlueprint = null,
  initialInputs,
  initialEntity = '',
  pending,
  serverError,
  onSubmit,
}: Props) {
  const fields = fieldsFromUserInputs(userInputs);
  const [values, setValues] = useState<FormValues>(() =>
    fields ? initialValues(fields, userInputs?.properties, initialInputs) : {},
  );
  const [jsonText, setJsonText] = useState(() =>
    initialInputs ? JSON.stringify(initialInputs, null, 2) : '{}',
  );
  const [entityText, setEntityText] = useState(initialEntity);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [jsonError, setJsonError] = useState<string | null>(null);
  const [entityError, setEntityError] = useState<string | null>(null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const trimmedEntity = entityText.trim();
    const missingEntity = entity === 'required' && trimmedEntity === '';
    setEntityError(missingEntity ? 'Entity is required for this action' : null);
    let inputs: Record<string, unknown> | null = null;
    if (fields) {
      const result = inputsFromForm(fields, values);
      setErrors(result.ok ? {} : result.errors);
      if (result.ok) inputs = result.inputs;
    } else {
      const result = parseJsonObject(jsonText);
      setJsonError(result.ok ? null : result.error);
      if (result.ok) inputs = result.value;
    }
    if (inputs && !missingEntity) {
      onSubmit({ inputs, entity: trimmedEntity === '' ? undefined : trimmedEntity });
    }
  };

  const entityDescription =
    entity === 'required'
      ? 'The entity this action acts on.'
      : 'Optional: the entity this run is about; the run shows on its page.';
  const setEntity = (value: string) => {
    setEntityText(value);
    setEntityError(null);
  };

  const setValue = (name: string, value: FieldValue) => {
    setValues((prev) => ({ ...prev, [name]: value }));
    setErrors(({ [name]: _cleared, ...rest }) => rest);
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Run inputs">
      <Stack gap="sm">
        {fields ? (
          fields.map((field) => (
            <FieldControl
              key={field.name}
              field={field}
              value={values[field.name] ?? ''}
              error={errors[field.name] ?? null}
              onChange={(value) => setValue(field.name, value)}
            />
          ))
        ) : (
          <Textarea
            label="Inputs (JSON)"
            description="This definition declares no inputs schema: send any JSON object."
            value={jsonText}
            onChange={(e) => {
              setJsonText(e.currentTarget.value);
              setJsonError(null);
            }}
            error={jsonError}
            autosize
            minRows={4}
            maxRows={16}
            styles={monospaceInput}
            spellCheck={false}
          />
        )}
        {entity !== 'none' && (
          <EntityPicker
            label="Entity"
            description={entityDescription}
            blueprint={entityBlueprint}
            required={entity === 'required'}
            error={entityError}
            value={entityText}
            onChange={setEntity}
          />
        )}
        {serverError && (
          <Alert color="red" variant="light" title="The run was not started" role="alert">
            {serverError}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button type="submit" loading={pending}>
            Start run
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

interface FieldProps {
  field: InputField;
  value: FieldValue;
  error: string | null;
  onChange: (value: FieldValue) => void;
}

function FieldControl({ field, value, error, onChange }: FieldProps) {
  const common = {
    label: field.label,
    description: field.description,
    required: field.required,
    disabled: field.disabled,
    error,
  };
  const text = typeof value === 'string' ? value : '';
  const list = Array.isArray(value) ? value : [];
  switch (field.kind) {
    case 'string':
      return (
        <TextInput {...common} value={text} onChange={(e) => onChange(e.currentTarget.value)} />
      );
    case 'number':
      return (
        <NumberInput
          {...common}
          value={text}
          onChange={(v) => onChange(String(v))}
          allowDecimal={!field.integer}
          // Out-of-range numbers are refused with the rule, never changed behind the person's back.
          clampBehavior="none"
        />
      );
    case 'boolean':
      return (
        <Switch
          label={field.label}
          description={field.description}
          disabled={field.disabled}
          error={error}
          checked={value === true}
          onChange={(e) => onChange(e.currentTarget.checked)}
        />
      );
    case 'enum':
      return (
        <Select
          {...common}
          data={field.options.map((o) => ({ value: optionKey(o), label: optionKey(o) }))}
          value={text === '' ? null : text}
          onChange={(v) => onChange(v ?? '')}
          clearable={!field.required}
          searchable={field.options.length > 7}
        />
      );
    case 'multi-enum':
      return (
        <MultiSelect
          {...common}
          data={field.options.map((o) => ({ value: optionKey(o), label: optionKey(o) }))}
          value={list}
          onChange={onChange}
          clearable
          searchable={field.options.length > 7}
        />
      );
    case 'entity':
      return (
        <EntityPicker {...common} blueprint={field.blueprint!} value={text} onChange={onChange} />
      );
    case 'multi-entity':
      return (
        <EntityMultiPicker
          {...common}
          blueprint={field.blueprint!}
          value={list}
          onChange={onChange}
        />
      );
    case 'user':
      return (
        <UserPicker
          label={field.label}
          {...(field.description ? { description: field.description } : {})}
          required={field.required}
          disabled={field.disabled}
          error={error}
          value={text}
          onChange={onChange}
        />
      );
    case 'date-time':
      return (
        <DateTimePicker
          {...common}
          value={text === '' ? null : text}
          onChange={(v) => onChange(v ?? '')}
          valueFormat="YYYY-MM-DD HH:mm"
          placeholder="Pick a date and time"
          clearable={!field.required}
        />
      );
    case 'tags':
      return (
        <TagsInput
          {...common}
          value={list}
          onChange={onChange}
          placeholder="Type a value, then Enter"
          clearable
        />
      );
    case 'json':
      return (
        <Textarea
          {...common}
          value={text}
          onChange={(e) => onChange(e.currentTarget.value)}
          placeholder="JSON, e.g. [] or {}"
          autosize
          minRows={2}
          maxRows={10}
          styles={monospaceInput}
          spellCheck={false}
        />
      );
  }
}
