/**
 * The inputs schema's properties with a previous run's values as their defaults, so a form built
 * from it opens prefilled (a re-run); properties the previous run did not set keep their own.
 */
export function withPrevious(
  properties: Record<string, unknown> | undefined,
  previous: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  if (!properties || !previous) return properties;
  return Object.fromEntries(
    Object.entries(properties).map(([name, property]) => [
      name,
      Object.hasOwn(previous, name) && isRecord(property)
        ? { ...property, default: previous[name] }
        : property,
    ]),
  );
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
