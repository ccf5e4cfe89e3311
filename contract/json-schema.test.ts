import { describe, expect, it } from 'vitest';
import { createJsonSchemaValidator, describeSchemaError, requiredInputs } from './json-schema';

const ajv = createJsonSchemaValidator();

function problems(pattern: string, value: string) {
  const validate = ajv.compile({
    type: 'object',
    properties: { version: { type: 'string', pattern } },
  });
  expect(validate({ version: value })).toBe(false);
  return (validate.errors ?? []).map((e) => describeSchemaError(e, 'inputs'));
}

describe('describeSchemaError', () => {
  it.each(['^\\d+\\.\\d+\\.\\d+$', '^[0-9]+\\.[0-9]+\\.[0-9]+$', '^v?\\d+\\.\\d+\\.\\d+$'])(
    'says a version pattern in words, not as a regular expression (%s)',
    (pattern) => {
      expect(problems(pattern, 'latest')).toEqual(['inputs.version must be a version like 1.2.3']);
    },
  );

  it('keeps the pattern of a rule it has no words for: the pattern is the only statement of it', () => {
    expect(problems('^[A-Z]{3}$', 'abc')).toEqual([
      'inputs.version must match pattern "^[A-Z]{3}$"',
    ]);
  });
});

describe('requiredInputs', () => {
  it('drops disabled inputs, with or without a default, and keeps the rest (Port)', () => {
    const properties = {
      name: { type: 'string' },
      region: { type: 'string', default: 'eu', disabled: true },
      ticket: { type: 'string', disabled: true },
      gate: { type: 'string', disabled: false },
    };
    expect(requiredInputs(properties, ['name', 'region', 'ticket', 'gate', 'undeclared'])).toEqual([
      'name',
      'gate',
      'undeclared',
    ]);
    expect(requiredInputs(properties, undefined)).toEqual([]);
    expect(requiredInputs(undefined, ['name', 3])).toEqual(['name']);
  });
});
