import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { settings } from '../db/schema';

export const SIGNATURE_HEADER = 'x-runboard-signature';
export const TIMESTAMP_HEADER = 'x-runboard-timestamp';
const SECRET_KEY = 'webhook_secret';

/** `sha256=<hex HMAC-SHA256 of the raw body>`, the value of the X-Runboard-Signature header. */
export function sign(secret: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

/** What a backend does with the header: recompute over the raw body and compare in constant time. */
export function verifySignature(secret: string, rawBody: string, header: string | null): boolean {
  if (!header) return false;
  const expected = Buffer.from(sign(secret, rawBody));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** The organization's signing secret: made once and kept in the settings table. */
export async function organizationSecret(db: DbOrTx): Promise<string> {
  const [existing] = await db.select().from(settings).where(eq(settings.key, SECRET_KEY));
  if (existing) return existing.value;
  await db
    .insert(settings)
    .values({ key: SECRET_KEY, value: `whsec_${randomBytes(24).toString('hex')}` })
    .onConflictDoNothing();
  const [stored] = await db.select().from(settings).where(eq(settings.key, SECRET_KEY));
  return stored!.value;
}
