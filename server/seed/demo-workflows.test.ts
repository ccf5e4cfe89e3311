import { describe, expect, it } from 'vitest';
import { render } from '../domain/templates';
import { Rng } from './demo-content';
import { DEMO_WORKFLOWS } from './demo-workflows';

interface InputSchema {
  type?: string;
  enum?: unknown[];
  default?: unknown;
}

/** What the dashboard's Run form sends when a person fills only the required fields. */
function requiredOnly(userInputs: {
  properties?: Record<string, InputSchema>;
  required?: string[];
}): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(userInputs.properties ?? {})) {
    if (schema.default !== undefined) inputs[key] = schema.default;
    else if (userInputs.required?.includes(key))
      inputs[key] = schema.enum?.[0] ?? (schema.type === 'number' ? 1 : '1.2.3');
  }
  return inputs;
}

describe('the demo workflows', () => {
  // A newcomer's first run is started by hand with only the required fields: a node config
  // referring to an optional input without a default failed that run with a template error.
  it.each(DEMO_WORKFLOWS.map((w) => [w.body.identifier, w] as const))(
    '%s renders every node config for a run started with only the required inputs',
    (_, workflow) => {
      const trigger = workflow.body.nodes.find((n) => n.config.type === 'SELF_SERVE_TRIGGER');
      const userInputs =
        trigger?.config.type === 'SELF_SERVE_TRIGGER' ? (trigger.config.userInputs ?? {}) : {};
      const inputs = requiredOnly(userInputs as Parameters<typeof requiredOnly>[0]);
      const outputs: Record<string, unknown> = { [trigger?.identifier ?? 'trigger']: inputs };
      const rng = new Rng(7);
      const vars = workflow.vars(inputs);
      for (const [node, profile] of Object.entries(workflow.profiles)) {
        outputs[node] = profile.output({ rng, inputs, vars, at: new Date(0) });
      }
      for (const node of workflow.body.nodes) {
        expect(() => render(node.config, { inputs, outputs }), node.identifier).not.toThrow();
      }
    },
  );
});
