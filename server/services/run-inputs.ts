import type { DbOrTx } from '../db/client';
import { findEntity } from '../db/entities';
import { invalid } from '../domain/errors';
import {
  assertInputsValid,
  entityReferences,
  missingEntityProblem,
  withInputDefaults,
} from '../domain/user-inputs';

/**
 * The inputs of a new run against its definition's `userInputs`: the JSON schema's rules, then
 * that every `format: entity` input names an existing entity of its blueprint. Throws 422
 * `invalid_request` naming the input (`root` is the body field: `inputs` or `properties`).
 * Answers the inputs the run keeps: the given ones with absent inputs' defaults filled in
 * (withInputDefaults), checked as such.
 */
export async function checkRunInputs(
  db: DbOrTx,
  userInputs: unknown,
  given: Record<string, unknown>,
  root: 'inputs' | 'properties',
  what: 'action' | 'workflow',
): Promise<Record<string, unknown>> {
  const filled = withInputDefaults(userInputs, given);
  assertInputsValid(userInputs, filled, root, what);
  for (const ref of entityReferences(userInputs, filled, root)) {
    for (const identifier of ref.identifiers) {
      if (!(await findEntity(db, ref.blueprint, identifier))) {
        throw invalid(missingEntityProblem(ref, identifier));
      }
    }
  }
  return filled;
}
