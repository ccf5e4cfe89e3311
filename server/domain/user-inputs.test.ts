import { describe, expect, it } from 'vitest';
import { entityReferences, inputsProblem } from './user-inputs';

const userInputs = {
  properties: {
    version: { type: 'string', pattern: '^\\d+\\.\\d+\\.\\d+$' },
    service: { type: 'string', format: 'entity', blueprint: 'service' },
    targets: { type: 'array', items: { type: 'string', format: 'entity', blueprint: 'env' } },
  },
  required: ['version'],
  order: ['service', 'version'],
};

describe('inputsProblem', () => {
  it('is null for conforming inputs, Port keys such as order and blueprint ignored', () => {
    expect(
      inputsProblem(userInputs, { version: '1.0.0', service: 'a' }, 'inputs', 'workflow'),
    ).toBeNull();
  });

  it('names the input and the rule it breaks', () => {
    expect(inputsProblem(userInputs, { version: 'v1' }, 'inputs', 'workflow')).toBe(
      'inputs.version must be a version like 1.2.3',
    );
    expect(inputsProblem(userInputs, {}, 'properties', 'action')).toBe(
      'properties.version is required',
    );
  });

  it('accepts anything when there is no schema', () => {
    expect(inputsProblem(undefined, { any: 1 }, 'inputs', 'workflow')).toBeNull();
  });

  it('refuses to run against a schema that does not compile, saying whose it is', () => {
    expect(() =>
      inputsProblem({ properties: { x: { type: 'nonsense' } } }, {}, 'inputs', 'workflow'),
    ).toThrow(/workflow's userInputs are not a valid JSON schema/);
  });
});

describe('entityReferences', () => {
  it('lists the entities named by entity inputs and arrays of them, with their blueprint', () => {
    expect(
      entityReferences(
        userInputs,
        { service: 'pay', targets: ['prod', 'stage'], version: '1' },
        'inputs',
      ),
    ).toEqual([
      { path: 'inputs.service', blueprint: 'service', identifiers: ['pay'] },
      { path: 'inputs.targets', blueprint: 'env', identifiers: ['prod', 'stage'] },
    ]);
  });

  it('skips inputs that are absent', () => {
    expect(entityReferences(userInputs, { version: '1.0.0' }, 'inputs')).toEqual([]);
  });
});
