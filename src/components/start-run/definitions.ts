/** What the start dialogs read from a definition before any form is loaded (kept small: no validator). */

export interface UserInputs {
  properties?: Record<string, unknown>;
  required?: unknown;
  /** Port's optional display order of the inputs. */
  order?: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** DAY-2 and DELETE actions act on an existing entity, so the API needs one. */
export const entityRequired = (operation: string | undefined) =>
  operation === 'DAY-2' || operation === 'DELETE';

interface TriggerNode {
  config: { type: string; [key: string]: unknown };
}

/** A workflow's inputs schema: its self-serve trigger's `userInputs`, if it has one. */
export function workflowUserInputs(nodes: TriggerNode[]): UserInputs | null {
  const trigger = nodes.find((n) => n.config.type === 'SELF_SERVE_TRIGGER');
  const userInputs = trigger?.config.userInputs;
  return isRecord(userInputs) ? userInputs : null;
}
