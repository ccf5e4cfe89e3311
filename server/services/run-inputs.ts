import type { DbOrTx } from '../db/client';
import { findEntity } from '../db/entities';
import { invalid } from '../domain/errors';
import { assertInputsValid, entityReferences, missingEntityProblem } from '../domain/user-inputs';

/**
 * The inputs of a new run against its definition's `userInputs`: the JSON schema's rules, then
 * that every `format: entity` input names an existing entity of its blueprint. Throws 422
 * `invalid_request` naming the input (`root` is the body field: `inputs` or `properties`).
 * The caller fills in absent inputs' defaults first (withInputDefaults), so they are checked too.
 */
export async function checkRunInputs(
  db: DbOrTx,
  userInputs: unknown,
  inputs: Record<string, unknown>,
  root: 'inputs' | 'properties',
  what: 'action' | 'workflow',
) {
  assertInputsValid(userInputs, inputs, root, what);
  for (const ref of entityReferences(userInputs, inputs, root)) {
    for (const identifier of ref.identifiers) {
      if (!(await findEntity(db, ref.blueprint, identifier))) {
        throw invalid(missingEntityProblem(ref, identifier));
      }
    }
  }
}
