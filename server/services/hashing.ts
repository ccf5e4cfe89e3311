import { createHash } from 'node:crypto';

/** For random, high-entropy secrets (client secrets, tokens, session ids); never for passwords. */
export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
