import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** 16 random characters from [a-zA-Z0-9], as Port's ids have. */
export function randomId16(): string {
  const bytes = randomBytes(32);
  let out = '';
  for (const b of bytes) {
    // 248 = 4 * 62: rejecting the top values keeps every character equally likely.
    if (b < 248) out += ALPHABET[b % 62];
    if (out.length === 16) return out;
  }
  return out + randomId16().slice(out.length);
}

export const newWorkflowRunId = () => `wfr_${randomId16()}`;
export const newNodeRunId = () => `wfnr_${randomId16()}`;
export const newActionRunId = () => `r_${randomId16()}`;
/** A work item's id is the delivery id a backend sees, the same on every attempt. */
export const newDeliveryId = () => `dlv_${randomId16()}`;
