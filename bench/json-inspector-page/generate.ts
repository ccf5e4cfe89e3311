/**
 * A deterministic workflow output of about `bytes` of JSON: resources with ids, names, states,
 * tags, nested metadata, numbers, booleans, nulls and some long strings, like a large node output.
 */
export function generateOutput(bytes: number): Record<string, unknown> {
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel'];
  const word = () => words[Math.floor(random() * words.length)]!;
  const resources: unknown[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const resource = {
      resourceId: `res-${i.toString(16).padStart(6, '0')}`,
      name: `${word()}-${word()}-${i}`,
      status: random() < 0.9 ? 'READY' : 'FAILED',
      replicas: Math.floor(random() * 10),
      cost: Math.round(random() * 100_000) / 100,
      public: random() < 0.5,
      deletedAt: null,
      tags: [word(), word(), word()],
      'created-by': { id: `user-${Math.floor(random() * 50)}`, email: `${word()}@example.com` },
      metadata: {
        region: `eu-${word()}-${Math.floor(random() * 3)}`,
        labels: { team: word(), tier: random() < 0.5 ? 'gold' : 'silver' },
        history: Array.from({ length: 3 }, (_, k) => ({ step: k, ok: random() < 0.95 })),
      },
      description: i % 50 === 0 ? `${word()} `.repeat(200) : `${word()} ${word()} resource`,
    };
    size += JSON.stringify(resource).length + 1;
    resources.push(resource);
  }
  return { create_resource: { resourceId: 'res-root', count: resources.length, resources } };
}
