import { describe, expect, it } from 'vitest';
import { render, renderString, TemplateError } from './templates';

const scope = {
  inputs: { service: 'billing', replicas: 3, flags: { canary: true } },
  outputs: {
    create_resource: { resourceId: 'res-42', tags: ['a', 'b'], 'key-with-dash': { ok: 1 } },
    trigger: { version: '1.2.3' },
  },
};

describe('templates', () => {
  it('keeps the JSON type of a string that is one whole reference', () => {
    expect(renderString('{{ .inputs.replicas }}', scope)).toBe(3);
    expect(renderString('{{.inputs.flags}}', scope)).toEqual({ canary: true });
  });

  it('stringifies references embedded in a longer string', () => {
    expect(renderString('svc {{ .inputs.service }} x{{ .inputs.replicas }}', scope)).toBe(
      'svc billing x3',
    );
    expect(renderString('flags={{ .inputs.flags }}', scope)).toBe('flags={"canary":true}');
  });

  it('follows nested paths, array indexes and quoted keys', () => {
    expect(renderString('{{ .outputs.create_resource.resourceId }}', scope)).toBe('res-42');
    expect(renderString('{{ .outputs.create_resource.tags[1] }}', scope)).toBe('b');
    expect(renderString('{{ .outputs.create_resource["key-with-dash"].ok }}', scope)).toBe(1);
  });

  it('renders every string inside objects and arrays, leaving keys alone', () => {
    expect(
      render(
        { '{{ .inputs.service }}': ['{{ .inputs.replicas }}', 'v{{ .outputs.trigger.version }}'] },
        scope,
      ),
    ).toEqual({ '{{ .inputs.service }}': [3, 'v1.2.3'] });
  });

  it('leaves strings without references unchanged', () => {
    expect(render({ a: 'plain', b: 2, c: null }, scope)).toEqual({ a: 'plain', b: 2, c: null });
  });

  it('fails on a missing reference with an error naming it', () => {
    expect(() => renderString('id={{ .outputs.create_resource.nope }}', scope)).toThrow(
      new TemplateError('Template reference "{{ .outputs.create_resource.nope }}" has no value'),
    );
    expect(() => renderString('{{ .outputs.create_resource.tags[5] }}', scope)).toThrow(
      /tags\[5\]/,
    );
  });

  it('refuses expressions that are not paths', () => {
    expect(() => renderString('{{ .inputs.service | ascii_upcase }}', scope)).toThrow(
      /Unsupported template expression/,
    );
  });
});
