import { hash, verify, type Algorithm } from '@node-rs/argon2';

/** argon2id with OWASP's minimum (19 MiB, 2 passes, 1 lane). */
const ARGON2ID: Algorithm = 2; // Algorithm.Argon2id (a const enum, not importable as a value here)
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export const hashPassword = (password: string) => hash(password, OPTIONS);

/** A hash that no password matches, checked when there is no user so timing does not tell. */
let dummy: Promise<string> | undefined;

export async function passwordMatches(password: string, stored: string | null) {
  if (!stored) {
    await verify(await (dummy ??= hashPassword('no-such-user-password')), password).catch(
      () => false,
    );
    return false;
  }
  return verify(stored, password).catch(() => false);
}
