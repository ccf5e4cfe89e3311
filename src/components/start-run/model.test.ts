import { describe, expect, it } from 'vitest';
import { entityRequired, workflowUserInputs } from './definitions';
import {
  fieldsFromUserInputs,
  initialValues,
  inputsFromForm,
  parseJsonObject,
  type InputField,
} from './model';

const schema = {
  properties: {
    message: { type: 'string', title: 'Message', description: 'What to echo', default: 'hello' },
    count: { type: 'integer' },
    ratio: { type: 'number', default: 0.5 },
    dryRun: { type: 'boolean', default: true },
    region: { type: 'string', enum: ['eu', 'us'], default: 'eu' },
    level: { enum: [1, 2, 3] },
    tags: { type: 'array', default: ['a'] },
    extra: { type: 'object' },
  },
  required: ['message', 'count'],
};

const fields = fieldsFromUserInputs(schema) as InputField[];
const field = (name: string) => fields.find((f) => f.name === name);

describe('fieldsFromUserInputs', () => {
  it('makes one field per property, required ones first, with the control its type calls for', () => {
    expect(fields.map((f) => [f.name, f.kind])).toEqual([
      ['message', 'string'],
      ['count', 'number'],
      ['ratio', 'number'],
      ['dryRun', 'boolean'],
      ['region', 'enum'],
      ['level', 'enum'],
      ['tags', 'json'],
      ['extra', 'json'],
    ]);
  });

  it("follows the schema's order list where there is one", () => {
    const ordered = fieldsFromUserInputs({ ...schema, order: ['tags', 'ratio', 'unknown'] });
    expect(ordered?.map((f) => f.name)).toEqual([
      'tags',
      'ratio',
      'message',
      'count',
      'dryRun',
      'region',
      'level',
      'extra',
    ]);
  });

  it('labels a field with its title, else its name, and marks the required ones', () => {
    expect(field('message')).toMatchObject({
      label: 'Message',
      description: 'What to echo',
      required: true,
    });
    expect(field('count')).toMatchObject({ label: 'count', description: null, required: true });
    expect(field('ratio')?.required).toBe(false);
    expect(field('level')?.options).toEqual([1, 2, 3]);
  });

  it('gives no fields (a JSON editor instead) when there is no schema or no property', () => {
    expect(fieldsFromUserInputs(null)).toBeNull();
    expect(fieldsFromUserInputs({ properties: {}, required: [] })).toBeNull();
    expect(fieldsFromUserInputs({ required: ['x'] })).toBeNull();
  });
});

describe('initialValues', () => {
  it('prefills the defaults and leaves the rest empty or off', () => {
    expect(initialValues(fields, schema.properties)).toEqual({
      message: 'hello',
      count: '',
      ratio: '0.5',
      dryRun: true,
      region: 'eu',
      level: '',
      tags: '[\n  "a"\n]',
      extra: '',
    });
  });
});

describe('initialValues of defaults the form cannot compute', () => {
  it('leaves a jq default empty and never sends a disabled input, which shows its default', () => {
    const odd = {
      properties: {
        owner: { type: 'string', default: { jqQuery: '.user.email' } },
        hidden: { type: 'string', default: 'never', disabled: true },
        plain: { type: 'string', default: 'kept' },
      },
    };
    const oddFields = fieldsFromUserInputs(odd) as InputField[];
    const values = initialValues(oddFields, odd.properties);
    expect(values).toEqual({ owner: '', hidden: 'never', plain: 'kept' });
    expect(inputsFromForm(oddFields, values)).toEqual({ ok: true, inputs: { plain: 'kept' } });
  });

  it('does not require a required disabled input, with or without a default (Port)', () => {
    const locked = {
      properties: {
        name: { type: 'string' },
        region: { type: 'string', default: 'eu', disabled: true },
        ticket: { type: 'string', disabled: true },
      },
      required: ['name', 'region', 'ticket'],
    };
    const lockedFields = fieldsFromUserInputs(locked) as InputField[];
    expect(lockedFields.map((f) => [f.name, f.required, f.disabled])).toEqual([
      ['name', true, false],
      ['region', false, true],
      ['ticket', false, true],
    ]);
    const values = { ...initialValues(lockedFields, locked.properties), name: 'qa' };
    expect(inputsFromForm(lockedFields, values)).toEqual({ ok: true, inputs: { name: 'qa' } });
  });
});

describe('initialValues from given inputs', () => {
  it("starts from a re-run's inputs where given, else the defaults", () => {
    const values = initialValues(fields, schema.properties, {
      message: 'again',
      level: 3,
      tags: [],
    });
    expect(values).toMatchObject({ message: 'again', level: '3', ratio: '0.5', tags: '[]' });
  });
});

describe('inputsFromForm', () => {
  it('sends each value with its JSON type and leaves empty optional fields out', () => {
    const result = inputsFromForm(fields, {
      ...initialValues(fields, schema.properties),
      count: '3',
      level: '2',
    });
    expect(result).toEqual({
      ok: true,
      inputs: {
        message: 'hello',
        count: 3,
        ratio: 0.5,
        dryRun: true,
        region: 'eu',
        level: 2,
        tags: ['a'],
      },
    });
  });

  it('names each missing required field', () => {
    const result = inputsFromForm(fields, { message: '  ', count: '' });
    expect(result).toEqual({
      ok: false,
      errors: { message: 'Message is required', count: 'count is required' },
    });
  });

  it('rejects text that is not a number and JSON that does not parse', () => {
    const result = inputsFromForm(fields, { message: 'hi', count: 'abc', extra: '{nope' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.count).toBe('Enter a number');
    expect(result.errors.extra).toMatch(/^Not valid JSON: /);
    expect(Object.keys(result.errors)).toEqual(['count', 'extra']);
  });

  it('sends an unchecked boolean as false', () => {
    const result = inputsFromForm(fields, { message: 'hi', count: '1', dryRun: false });
    expect(result.ok && result.inputs.dryRun).toBe(false);
  });
});

describe('parseJsonObject', () => {
  it('takes an object, and empty text as no inputs', () => {
    expect(parseJsonObject('{"a": [1]}')).toEqual({ ok: true, value: { a: [1] } });
    expect(parseJsonObject('  ')).toEqual({ ok: true, value: {} });
  });

  it('shows the parse error of malformed JSON', () => {
    const result = parseJsonObject('{"a":');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/^Not valid JSON: .+/);
  });

  it('rejects JSON that is not an object', () => {
    for (const text of ['[1]', '"x"', '3', 'null']) {
      expect(parseJsonObject(text)).toEqual({
        ok: false,
        error: 'The inputs must be an object, e.g. {"key": "value"}',
      });
    }
  });
});

describe('workflowUserInputs and entityRequired', () => {
  it('reads the inputs schema from the self-serve trigger', () => {
    const userInputs = { properties: { m: { type: 'string' } }, required: [] };
    expect(
      workflowUserInputs([
        { config: { type: 'WEBHOOK' } },
        { config: { type: 'SELF_SERVE_TRIGGER', userInputs } },
      ]),
    ).toBe(userInputs);
    expect(workflowUserInputs([{ config: { type: 'EVENT_TRIGGER' } }])).toBeNull();
  });

  it('requires an entity for DAY-2 and DELETE actions only', () => {
    expect([entityRequired('CREATE'), entityRequired('DAY-2'), entityRequired('DELETE')]).toEqual([
      false,
      true,
      true,
    ]);
  });
});

describe("Port's input formats and the schema's rules", () => {
  const rules = {
    properties: {
      version: { type: 'string', title: 'Version', pattern: '^\\d+\\.\\d+\\.\\d+$' },
      nodes: { type: 'integer', minimum: 1, maximum: 50 },
      name: { type: 'string', minLength: 3, maxLength: 10 },
      service: { type: 'string', format: 'entity', blueprint: 'service', title: 'Service' },
      services: {
        type: 'array',
        items: { type: 'string', format: 'entity', blueprint: 'service' },
      },
      regions: { type: 'array', items: { type: 'string', enum: ['eu', 'us'] }, default: ['eu'] },
      owner: { type: 'string', format: 'user' },
      when: { type: 'string', format: 'date-time', default: '2026-11-29T10:30:00.000Z' },
      labels: { type: 'array', items: { type: 'string' }, maxItems: 2 },
    },
    required: ['version'],
  };
  const ruleFields = fieldsFromUserInputs(rules) as InputField[];
  const start = initialValues(ruleFields, rules.properties);
  const check = (values: Record<string, unknown>) =>
    inputsFromForm(ruleFields, { ...start, version: '1.0.0', ...values } as never);

  it('gives each format its control: entity pickers, multi-selects, user, date-time, tags', () => {
    expect(ruleFields.map((f) => [f.name, f.kind, f.blueprint])).toEqual([
      ['version', 'string', null],
      ['nodes', 'number', null],
      ['name', 'string', null],
      ['service', 'entity', 'service'],
      ['services', 'multi-entity', 'service'],
      ['regions', 'multi-enum', null],
      ['owner', 'user', null],
      ['when', 'date-time', null],
      ['labels', 'tags', null],
    ]);
    expect(ruleFields.find((f) => f.name === 'regions')?.options).toEqual(['eu', 'us']);
    expect(ruleFields.find((f) => f.name === 'nodes')?.integer).toBe(true);
  });

  it('prefills defaults of lists and date-times (shown in local time, sent as an instant)', () => {
    expect(start.regions).toEqual(['eu']);
    expect(start.when).toBe('2026-11-29 10:30:00');
    const result = check({});
    expect(result).toEqual({
      ok: true,
      inputs: { version: '1.0.0', regions: ['eu'], when: '2026-11-29T10:30:00.000Z' },
    });
  });

  it.each([
    ['version', { version: 'not-a-version' }, 'Version must be a version like 1.2.3'],
    ['nodes', { nodes: '500' }, 'nodes must be <= 50'],
    ['nodes', { nodes: '0' }, 'nodes must be >= 1'],
    ['nodes', { nodes: '1.5' }, 'nodes must be integer'],
    ['name', { name: 'ab' }, 'name must NOT have fewer than 3 characters'],
    ['name', { name: 'abcdefghijk' }, 'name must NOT have more than 10 characters'],
    ['labels', { labels: ['a', 'b', 'c'] }, 'labels must NOT have more than 2 items'],
    ['when', { when: 'someday' }, 'Pick a date and time'],
    ['version', { version: '' }, 'Version is required'],
  ])('refuses %s breaking its rule: %j', (name, values, message) => {
    const result = check(values);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors[name]).toBe(message);
  });

  it('sends entity, user and list picks as the API takes them', () => {
    const result = check({
      service: 'payments-api',
      services: ['a', 'b'],
      regions: ['us', 'eu'],
      owner: 'ann@example.com',
      labels: ['x'],
      nodes: '50',
    });
    expect(result).toEqual({
      ok: true,
      inputs: {
        version: '1.0.0',
        nodes: 50,
        service: 'payments-api',
        services: ['a', 'b'],
        regions: ['us', 'eu'],
        owner: 'ann@example.com',
        when: '2026-11-29T10:30:00.000Z',
        labels: ['x'],
      },
    });
  });

  it('leaves an empty optional list out', () => {
    const result = check({ regions: [] });
    expect(result.ok && 'regions' in result.inputs).toBe(false);
  });
});
