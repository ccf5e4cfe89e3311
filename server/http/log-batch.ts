import { LOG_LEVELS, nodeRunLogsPostSchema, type LogLevel } from '../../contract/workflows';
import { acceptedFirst } from './validate';

const LEVELS: ReadonlySet<string> = new Set<LogLevel>(LOG_LEVELS);
/** nodeRunLogsPostSchema's bounds. */
const MAX_LINES = 10000;
const MAX_MESSAGE = 65536;

/**
 * Whether `body` is a log batch nodeRunLogsPostSchema accepts as it is and that can be stored:
 * exactly `{logs: [{level, message}, …]}` with 1–10 000 lines, each level one of LOG_LEVELS and
 * each message a string of at most 65 536 code points (zod counts code points, not UTF-16 units)
 * without U+0000. One pass over the lines,
 * no allocation: the log-append path is the hottest write, and the generic check (a walk of the
 * whole body for what cannot be stored, then zod) cost ~14 % of its CPU. false only means "not
 * sure": the body then goes through the generic check, which words the 4xx (which line, which
 * field) exactly as before. log-batch.test.ts holds this to the schema on generated bodies.
 */
export function isStorableLogBatch(body: unknown): boolean {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  let keys = 0;
  for (const key in body) {
    if (key !== 'logs') return false;
    keys++;
  }
  if (keys !== 1) return false;
  const logs = (body as { logs: unknown }).logs;
  if (!Array.isArray(logs) || logs.length < 1 || logs.length > MAX_LINES) return false;
  for (let i = 0; i < logs.length; i++) {
    const line: unknown = logs[i];
    if (typeof line !== 'object' || line === null || Array.isArray(line)) return false;
    let fields = 0;
    for (const key in line) {
      if (key !== 'level' && key !== 'message') return false;
      fields++;
    }
    if (fields !== 2) return false;
    const { level, message } = line as { level: unknown; message: unknown };
    if (typeof level !== 'string' || !LEVELS.has(level)) return false;
    if (typeof message !== 'string') return false;
    if (message.length > MAX_MESSAGE && codePoints(message) > MAX_MESSAGE) return false;
    if (message.includes('\u0000')) return false;
  }
  return true;
}

/** Only for messages over the limit in UTF-16 units (a code point is one or two of them). */
function codePoints(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // A high surrogate followed by a low one is one code point.
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** The log-append body as the route declares it: documented by the schema, checked fast first. */
export const logBatchBodySchema = acceptedFirst(nodeRunLogsPostSchema, isStorableLogBatch);
