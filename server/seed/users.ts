import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { users } from '../db/schema';
import { sha256 } from '../http/auth';

export interface Credentials {
  adminClientId: string;
  adminClientSecret: string;
  memberClientId: string;
  memberClientSecret: string;
}

export const ADMIN_ID = 'user_admin';
export const MEMBER_ID = 'user_member';
export const SIMULATOR_ID = 'user_simulator';
export const ADMIN_EMAIL = 'admin@runboard.dev';
export const MEMBER_EMAIL = 'member@runboard.dev';

/** Seeds (or re-keys) the admin and member users; runs on every start, whatever SEED says. */
export async function ensureUsers(db: Db, creds: Credentials) {
  const rows = [
    {
      id: ADMIN_ID,
      email: ADMIN_EMAIL,
      role: 'admin' as const,
      clientId: creds.adminClientId,
      clientSecretHash: sha256(creds.adminClientSecret),
    },
    {
      id: MEMBER_ID,
      email: MEMBER_EMAIL,
      role: 'member' as const,
      clientId: creds.memberClientId,
      clientSecretHash: sha256(creds.memberClientSecret),
    },
  ];
  await db
    .insert(users)
    .values(rows)
    .onConflictDoUpdate({
      target: users.id,
      set: {
        clientId: sql`excluded.client_id`,
        clientSecretHash: sql`excluded.client_secret_hash`,
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
      clientId: 'runboard-simulator',
      clientSecretHash: sha256(randomBytes(32).toString('hex')),
    })
    .onConflictDoNothing();
}
