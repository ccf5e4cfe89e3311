/**
 * Port-style templates in node config: `{{ .inputs.x }}`, `{{ .outputs.<node>.<key> }}`, nested
 * paths with `.key`, `[0]` and `["key-with-dash"]`. A string that is exactly one reference takes
 * the referenced value with its JSON type; references inside longer strings are stringified.
 */

export class TemplateError extends Error {}

type Segment = string | number;

const REFERENCE = /\{\{\s*(.*?)\s*\}\}/g;
const WHOLE = /^\{\{\s*(.*?)\s*\}\}$/;
const SEGMENT = /^(?:\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\])/;

/** Parses `.a.b[0]["c-d"]` into its segments; throws on anything else. */
export function parsePath(expression: string): Segment[] {
  const segments: Segment[] = [];
  let rest = expression;
  while (rest.length > 0) {
    const m = SEGMENT.exec(rest);
    if (!m) {
      throw new TemplateError(
        `Unsupported template expression "{{ ${expression} }}": only paths like .outputs.node.key are supported`,
      );
    }
    if (m[1] !== undefined) segments.push(m[1]);
    else if (m[2] !== undefined) segments.push(Number(m[2]));
    else segments.push(JSON.parse(`"${m[3] ?? ''}"`) as string);
    rest = rest.slice(m[0].length);
  }
  if (segments.length === 0) throw new TemplateError('Empty template expression "{{ }}"');
  return segments;
}

function lookup(scope: Record<string, unknown>, expression: string): unknown {
  let current: unknown = scope;
  for (const segment of parsePath(expression)) {
    const next =
      typeof segment === 'number'
        ? Array.isArray(current)
          ? (current[segment] as unknown)
          : undefined
        : current !== null && typeof current === 'object' && !Array.isArray(current)
          ? (current as Record<string, unknown>)[segment]
          : undefined;
    if (next === undefined) {
      throw new TemplateError(`Template reference "{{ ${expression} }}" has no value`);
    }
    current = next;
  }
  return current;
}

const stringify = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

export function renderString(template: string, scope: Record<string, unknown>): unknown {
  const whole = WHOLE.exec(template);
  if (whole && !whole[1]!.includes('}}')) return lookup(scope, whole[1]!);
  return template.replace(REFERENCE, (_, expression: string) =>
    stringify(lookup(scope, expression)),
  );
}

/** Renders every string inside `value` (object keys are left as they are). */
export function render(value: unknown, scope: Record<string, unknown>): unknown {
  if (typeof value === 'string') return renderString(value, scope);
  if (Array.isArray(value)) return value.map((v) => render(v, scope));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, render(v, scope)]));
  }
  return value;
}
