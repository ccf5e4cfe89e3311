import {
  Alert,
  Button,
  Group,
  NumberInput,
  Select,
  Stack,
  Switch,
  TextInput,
  Textarea,
} from '@mantine/core';
import { useState, type FormEvent } from 'react';
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
import { withPrevious } from './rerun';

const monospaceInput = { input: { fontFamily: 'var(--mantine-font-family-monospace)' } };

export interface StartRunRequest {
  inputs: Record<string, unknown>;
  entity: string | undefined;
}

interface Props {
  userInputs: UserInputs | null;
  /** `none`: no entity field; `optional` / `required`: an Entity field, required for DAY-2 and DELETE actions. */
  entity: 'none' | 'optional' | 'required';
  pending: boolean;
  /** The server's answer when starting failed, shown above the button. */
  serverError: string | null;
  onSubmit: (request: StartRunRequest) => void;
  /** A previous run's request (a re-run): its inputs and entity prefill the form, still editable. */
  initial?: StartRunRequest;
}

/**
 * The inputs of a run: one control per property of the definition's schema, or a JSON editor
 * when it has none. Nothing is sent while a field is missing or malformed.
 */
export function RunInputsForm({
  userInputs,
  entity,
  pending,
  serverError,
  onSubmit,
  initial,
}: Props) {
  const fields = fieldsFromUserInputs(userInputs);
  const [values, setValues] = useState<FormValues>(() =>
    fields ? initialValues(fields, withPrevious(userInputs?.properties, initial?.inputs)) : {},
  );
  const [jsonText, setJsonText] = useState(() =>
    initial ? JSON.stringify(initial.inputs, null, 2) : '{}',
  );
  const [entityText, setEntityText] = useState(initial?.entity ?? '');
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
          <TextInput
            label="Entity"
            description={
              entity === 'required'
                ? 'The identifier of the entity this action acts on.'
                : 'Optional: the identifier of the entity this run is about.'
            }
            value={entityText}
            onChange={(e) => {
              setEntityText(e.currentTarget.value);
              setEntityError(null);
            }}
            error={entityError}
            required={entity === 'required'}
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
    error,
  };
  const text = typeof value === 'string' ? value : '';
  switch (field.kind) {
    case 'string':
      return (
        <TextInput {...common} value={text} onChange={(e) => onChange(e.currentTarget.value)} />
      );
    case 'number':
      return <NumberInput {...common} value={text} onChange={(v) => onChange(String(v))} />;
    case 'boolean':
      return (
        <Switch
          label={field.label}
          description={field.description}
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
