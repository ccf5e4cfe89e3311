import { z } from 'zod';
import { logLevelSchema } from './workflows';
import { queryArray } from './common';

/**
 * ANSI escape sequences as terminals read them: CSI (`ESC [ … final`, colours and cursor moves)
 * and OSC (`ESC ] … BEL` or `ESC ] … ESC \`, e.g. hyperlinks). The server's SQL search uses the
 * same two patterns (server/db/log-filter.ts), so what is searched is what a person sees.
 */
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;

/** The text a person sees once a line's colour codes are rendered: codes removed. */
export const stripAnsi = (text: string) =>
  text.includes('\u001b') ? text.replace(ANSI, '') : text;

export interface LogTextLine {
  seq: number;
  createdAt: string;
  level: string;
  message: string;
  tags?: Record<string, string> | null;
  /** The node of the line, in a whole run's log. */
  node?: string | undefined;
}

/**
 * One log line as plain text, the same for "Copy logs" and downloads:
 * `seq  time  LEVEL  [node]  message  k=v …`, colour codes removed.
 */
export function formatLogLine(line: LogTextLine): string {
  const tags = Object.entries(line.tags ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return [
    String(line.seq),
    line.createdAt,
    line.level,
    ...(line.node ? [`[${line.node}]`] : []),
    stripAnsi(line.message),
    ...(tags ? [tags] : []),
  ].join('  ');
}

/** `GET …/logs/download`: every line, or those at `level` and matching `q` (as the viewer shows). */
export const logDownloadQuerySchema = z.object({
  level: queryArray(logLevelSchema).optional(),
  q: z.string().max(500).optional(),
  /** A download ticket (POST /v1/downloads/tickets) for a link the browser opens without a token. */
  ticket: z.string().max(2000).optional(),
});
export type LogDownloadQuery = z.infer<typeof logDownloadQuerySchema>;

/** Paths a download ticket may be made for. */
export const DOWNLOAD_PATH =
  /^\/v1\/(workflows\/nodes\/runs\/wfnr_[A-Za-z0-9]{16}|workflows\/runs\/wfr_[A-Za-z0-9]{16}|actions\/runs\/r_[A-Za-z0-9]{16})\/logs\/download$/;

export const downloadTicketBodySchema = z.strictObject({
  path: z
    .string()
    .max(300)
    .regex(
      DOWNLOAD_PATH,
      'must be the path of a log download, e.g. /v1/workflows/runs/wfr_…/logs/download',
    ),
});

export const downloadTicketSchema = z.object({
  ok: z.literal(true),
  /** Valid for the one path it was made for, for DOWNLOAD_TICKET_SECONDS. */
  ticket: z.string(),
  expiresAt: z.string(),
});
export type DownloadTicket = z.infer<typeof downloadTicketSchema>;

export const DOWNLOAD_TICKET_SECONDS = 60;
