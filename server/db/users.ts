import { and, asc, eq, lt, ne, sql } from 'drizzle-orm';
import { selectPrepared, type Db, type DbOrTx } from './client';
import { coalescerOf, type Coalescer } from './coalesce';
import { accessTokens, rateLimits, sessions, users } from './schema';

export type UserRow = typeof users.$inferSelect;

export async function listUsers(db: DbOrTx) {
  return db.select().from(users).orderBy(asc(users.createdAt), asc(users.id));
}

export async function userById(db: DbOrTx, id: string, lock = false) {
  const q = db.select().from(users).where(eq(users.id, id));
  return (await (lock ? q.for('update') : q))[0] ?? null;
}

export async function userByEmail(db: DbOrTx, email: string, lock = false) {
  const q = db
    .select()
    .from(users)
    .where(eq(sql`lower(${users.email})`, email.toLowerCase()));
  return (await (lock ? q.for('update') : q))[0] ?? null;
}

export async function userByClientId(db: DbOrTx, clientId: string) {
  return (await db.select().from(users).where(eq(users.clientId, clientId)))[0] ?? null;
}

export async function insertUser(db: DbOrTx, values: typeof users.$inferInsert) {
  const [row] = await db.insert(users).values(values).returning();
  return row!;
}

export async function updateUser(db: DbOrTx, id: string, set: Partial<typeof users.$inferInsert>) {
  forgetCheckedCredentials();
  const [row] = await db.update(users).set(set).where(eq(users.id, id)).returning();
  return row!;
}

export async function touchUser(db: DbOrTx, id: string, at: Date) {
  await db.update(users).set({ lastUsedAt: at }).where(eq(users.id, id));
}

/**
 * Serializes changes that may take away an admin (until the transaction ends), so two admins
 * demoting each other at once cannot both see the other one still standing.
 */
export async function lockAdminChanges(tx: DbOrTx) {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('runboard:active-admins'))`);
}

export async function countActiveAdmins(db: DbOrTx, except: string) {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(users)
    .where(and(eq(users.role, 'admin'), eq(users.status, 'ACTIVE'), ne(users.id, except)));
  return row?.n ?? 0;
}

/** Ends every session and access token of a user: nothing they hold works afterwards. */
export async function endAllSessions(db: DbOrTx, userId: string) {
  forgetCheckedCredentials();
  await db.delete(sessions).where(eq(sessions.userId, userId));
  await db.delete(accessTokens).where(eq(accessTokens.userId, userId));
}

export async function insertSession(db: DbOrTx, values: typeof sessions.$inferInsert) {
  await db.delete(sessions).where(lt(sessions.expiresAt, values.createdAt));
  await db.insert(sessions).values(values);
}

export async function deleteSession(db: DbOrTx, idHash: string) {
  forgetCheckedCredentials();
  const [row] = await db.delete(sessions).where(eq(sessions.idHash, idHash)).returning();
  return row ?? null;
}

/** Who holds a session or an access token (by its hash), and until when; active or not. */
interface CredentialHolder {
  id: string;
  email: string;
  role: UserRow['role'];
  active: boolean;
  expiresAt: Date;
}

const holdersBy = (table: 'sessions' | 'access_tokens') => {
  const key = table === 'sessions' ? 'id_hash' : 'token_hash';
  return async (db: Db, hashes: string[]) => {
    const rows = await selectPrepared<CredentialHolder & { hash: string }>(
      db,
      sql`SELECT c.${sql.raw(key)} AS hash, u.id, u.email, u.role, u.status = 'ACTIVE' AS active,
            c.expires_at AS "expiresAt"
          FROM ${sql.raw(table)} c JOIN users u ON u.id = c.user_id
          WHERE c.${sql.raw(key)} = ANY(${sql.param(hashes)}::text[])`,
    );
    return new Map(rows.map(({ hash, ...holder }) => [hash, holder]));
  };
};
const sessionLookups = new WeakMap<Db, Coalescer<string, CredentialHolder>>();
const tokenLookups = new WeakMap<Db, Coalescer<string, CredentialHolder>>();
const loadSessions = holdersBy('sessions');
const loadTokens = holdersBy('access_tokens');

/**
 * How long a credential's holder, once read, answers for it on this server without a new read:
 * a browser's run poll and log poll (or four tabs of one person) come together every 2 s, and
 * each lookup is a round trip that a loaded machine makes slow. A credential revoked, a user
 * deactivated or changed through this server is forgotten at once (forgetCheckedCredentials);
 * through another server (or in SQL), it still works here for at most this long.
 */
export const CHECKED_CREDENTIAL_MS = 1000;
const CHECKED_CREDENTIALS = 10_000;
interface Checked {
  holder: CredentialHolder | undefined;
  at: number;
  generation: number;
}
const checkedByDb = new WeakMap<Db, Map<string, Checked>>();
let generation = 0;

/** Every credential's holder read again at its next use (a revocation or user change here). */
export function forgetCheckedCredentials() {
  generation++;
}

async function checkedHolder(
  db: Db,
  key: string,
  lookups: WeakMap<Db, Coalescer<string, CredentialHolder>>,
  load: (db: Db, hashes: string[]) => Promise<Map<string, CredentialHolder>>,
  hash: string,
) {
  let checked = checkedByDb.get(db);
  if (!checked) checkedByDb.set(db, (checked = new Map()));
  const known = checked.get(key);
  const at = performance.now();
  if (known && known.generation === generation && at - known.at < CHECKED_CREDENTIAL_MS) {
    return known.holder;
  }
  const readAt = generation;
  const holder = await coalescerOf(lookups, db, load).get(hash);
  checked.delete(key); // re-inserted last: the Map's order is the eviction order
  if (checked.size >= CHECKED_CREDENTIALS) checked.delete(checked.keys().next().value!);
  // Asked before a change here was forgotten: not kept (the read may predate the change).
  if (readAt === generation) checked.set(key, { holder, at, generation: readAt });
  return holder;
}

/** The active user holding this credential (live at `now`), or null. */
const liveHolder = (holder: CredentialHolder | undefined, now: Date) =>
  holder?.active && holder.expiresAt > now
    ? { id: holder.id, email: holder.email, role: holder.role, expiresAt: holder.expiresAt }
    : null;

/**
 * The active user a live session belongs to, or null. Every request of the dashboard makes this
 * lookup: concurrent ones go in one query (db/coalesce.ts), and a holder read stands for
 * CHECKED_CREDENTIAL_MS (its expiry is checked against `now` every time).
 */
export async function sessionUser(db: Db, idHash: string, now: Date) {
  return liveHolder(
    await checkedHolder(db, `s:${idHash}`, sessionLookups, loadSessions, idHash),
    now,
  );
}

/** The active user an access token (by its hash) was issued to while live, or null; as sessionUser. */
export async function tokenUser(db: Db, tokenHash: string, now: Date) {
  return liveHolder(
    await checkedHolder(db, `t:${tokenHash}`, tokenLookups, loadTokens, tokenHash),
    now,
  );
}

/**
 * Counts one hit on `key` in a fixed window of `windowMs`, atomically (one statement, so every
 * server on the database shares the count): the count so far in this window and when it began.
 */
export async function countHit(db: DbOrTx, key: string, now: Date, windowMs: number) {
  const cutoff = new Date(now.getTime() - windowMs);
  const [row] = await db
    .insert(rateLimits)
    .values({ key, windowStart: now, count: 1 })
    .onConflictDoUpdate({
      target: rateLimits.key,
      set: {
        count: sql`case when ${rateLimits.windowStart} <= ${cutoff} then 1 else ${rateLimits.count} + 1 end`,
        windowStart: sql`case when ${rateLimits.windowStart} <= ${cutoff} then ${now} else ${rateLimits.windowStart} end`,
      },
    })
    .returning();
  // A new window here is a moment to drop every key whose window has passed: such a row counts
  // for nothing (peekHits ignores it, countHit restarts it), and without this the table kept one
  // row per address or credential ever seen. Done at most once per key per window, so rarely.
  if (row!.count === 1) await db.delete(rateLimits).where(lt(rateLimits.windowStart, cutoff));
  return row!;
}

/** The current window's count on `key` without adding to it (0 when the window has passed). */
export async function peekHits(db: DbOrTx, key: string, now: Date, windowMs: number) {
  const [row] = await db.select().from(rateLimits).where(eq(rateLimits.key, key));
  if (!row || row.windowStart.getTime() <= now.getTime() - windowMs) return null;
  return row;
}

export async function clearHits(db: DbOrTx, key: string) {
  await db.delete(rateLimits).where(eq(rateLimits.key, key));
}
