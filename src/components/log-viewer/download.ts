import type { DownloadTicket } from '../../../contract/log-text';
import { api, buildQuery } from '../../lib/api';
import { normalizeLevels, type LogFilter } from './model';
import type { LogSource } from './store';

/** The server path of a source's text download (GET, streamed as an attachment). */
export function downloadPath(source: LogSource): string {
  if ('nodeRunId' in source)
    return `/v1/workflows/nodes/runs/${encodeURIComponent(source.nodeRunId)}/logs/download`;
  if ('actionRunId' in source)
    return `/v1/actions/runs/${encodeURIComponent(source.actionRunId)}/logs/download`;
  return `/v1/workflows/runs/${encodeURIComponent(source.runId)}/logs/download`;
}

/**
 * Downloads the log (or the lines `filter` keeps) as a file the browser writes as it arrives:
 * the page never holds the lines. The link carries a one-minute download ticket for this one
 * path (the mechanism API clients use to hand a download link on); the session cookie would be
 * sent too, but the ticket keeps the link working on its own for that minute.
 */
export async function downloadLog(source: LogSource, filter: LogFilter | null) {
  const path = downloadPath(source);
  const { ticket } = await api<DownloadTicket>('/downloads/tickets', {
    method: 'POST',
    body: { path },
  });
  const query = buildQuery({
    level: filter ? normalizeLevels(filter.levels) : undefined,
    q: filter?.q,
    ticket,
  });
  const link = document.createElement('a');
  link.href = `${path}${query}`;
  link.download = '';
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
}
