import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { seededPasswords, type Config } from '../config';
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
  /** The seeded people's sign-in passwords: given where none is stored, unless `reset…`. */
  adminPassword?: string | undefined;
  memberPassword?: string | undefined;
  /** Set from the environment: replace that person's stored password at this start. */
  resetAdminPassword?: boolean;
  resetMemberPassword?: boolean;
}

/** The seeded users' credentials at start-up, from the configuration and the raw environment. */
export function startupCredentials(config: Config, env: NodeJS.ProcessEnv): Credentials {
  const passwords = seededPasswords(config, env);
  return {
    adminClientId: config.RUNBOARD_ADMIN_CLIENT_ID,
    adminClientSecret: config.RUNBOARD_ADMIN_CLIENT_SECRET,
    memberClientId: config.RUNBOARD_MEMBER_CLIENT_ID,
    memberClientSecret: config.RUNBOARD_MEMBER_CLIENT_SECRET,
    machineClientId: config.RUNBOARD_MACHINE_CLIENT_ID,
    machineClientSecret: config.RUNBOARD_MACHINE_CLIENT_SECRET,
    adminPassword: passwords.admin.password,
    memberPassword: passwords.member.password,
    resetAdminPassword: passwords.admin.replace,
    resetMemberPassword: passwords.member.replace,
  };
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
        // Decided per person: setting one password must not reset the other's.
        passwordHash: sql`case
          when ${users.id} = ${ADMIN_ID} and ${creds.resetAdminPassword === true} then excluded.password_hash
          when ${users.id} = ${MEMBER_ID} and ${creds.resetMemberPassword === true} then excluded.password_hash
          else coalesce(${users.passwordHash}, excluded.password_hash) end`,
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
