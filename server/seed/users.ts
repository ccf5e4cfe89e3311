import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { users } from '../db/schema';
import { ADMIN_ID, MACHINE_ID, MEMBER_ID, SIMULATOR_ID } from '../domain/users';
import { sha256 } from '../services/hashing';
import { hashPassword } from '../services/passwords';

export { ADMIN_ID, MACHINE_ID, MEMBER_ID, SIMULATOR_ID };

export interface Credentials {
  adminClientId: string;
  adminClientSecret: string;
  memberClientId: string;
  memberClientSecret: string;
  /** The organization (machine) credentials execution agents use; seeded when given. */
  machineClientId?: string;
  machineClientSecret?: string;
  /** The seeded people's sign-in passwords; kept as they are unless `resetPasswords`. */
  adminPassword?: string;
  memberPassword?: string;
  /** Set from the environment: replace the stored passwords at this start. */
  resetPasswords?: boolean;
}

export const ADMIN_EMAIL = 'admin@runboard.dev';
export const MEMBER_EMAIL = 'member@runboard.dev';
export const MACHINE_EMAIL = 'organization@runboard.dev';

/** Seeds (or re-keys) the admin, member and machine (organization credentials) users; runs on every start, whatever SEED says. */
export async function ensureUsers(db: Db, creds: Credentials) {
  const rows: (typeof users.$inferInsert)[] = [
    {
      id: ADMIN_ID,
      email: ADMIN_EMAIL,
      role: 'admin' as const,
      firstName: 'Avery',
      lastName: 'Admin',
      clientId: creds.adminClientId,
      clientSecretHash: sha256(creds.adminClientSecret),
      passwordHash: creds.adminPassword ? await hashPassword(creds.adminPassword) : null,
    },
    {
      id: MEMBER_ID,
      email: MEMBER_EMAIL,
      role: 'member' as const,
      firstName: 'Morgan',
      lastName: 'Member',
      clientId: creds.memberClientId,
      clientSecretHash: sha256(creds.memberClientSecret),
      passwordHash: creds.memberPassword ? await hashPassword(creds.memberPassword) : null,
    },
  ];
  if (creds.machineClientId !== undefined && creds.machineClientSecret !== undefined) {
    rows.push({
      id: MACHINE_ID,
      email: MACHINE_EMAIL,
      role: 'machine' as const,
      firstName: 'Organization credentials (environment)',
      clientId: creds.machineClientId,
      clientSecretHash: sha256(creds.machineClientSecret),
    });
  }
  await db
    .insert(users)
    .values(rows)
    .onConflictDoUpdate({
      target: users.id,
      set: {
        clientId: sql`excluded.client_id`,
        clientSecretHash: sql`excluded.client_secret_hash`,
        // Names set in the app stay; a stored password stays unless the environment gives one.
        firstName: sql`coalesce(${users.firstName}, excluded.first_name)`,
        lastName: sql`coalesce(${users.lastName}, excluded.last_name)`,
        passwordHash: creds.resetPasswords
          ? sql`excluded.password_hash`
          : sql`coalesce(${users.passwordHash}, excluded.password_hash)`,
      },
    });
}

/** The machine user the simulator reports node progress as; its secret is random and never shown. */
export async function ensureSimulatorUser(db: Db) {
  await db
    .insert(users)
    .values({
      id: SIMULATOR_ID,
      email: 'simulator@runboard.dev',
      role: 'machine',
      firstName: 'Demo simulator',
      clientId: 'runboard-simulator',
      clientSecretHash: sha256(randomBytes(32).toString('hex')),
    })
    .onConflictDoNothing();
}
