import type { InfiniteData } from '@tanstack/react-query';
import {
  isRunFinished,
  type RunIdOnly,
  type WorkflowRunSummary,
} from '../../../contract/workflows';
import { newItemsSince } from '../../lib/newest-first-list';
import { rangeParams } from '../../lib/time-ranges';
import type { RunFilters, StatusFilter } from './search';

export interface RunsPage {
  workflowRuns: WorkflowRunSummary[];
  nextCursor: string | null;
}

/** One "Status" control covers both API params: in progress is a status, the rest are results. */
export function statusParams(status: StatusFilter | undefined) {
  switch (status) {
    case undefined:
      return {};
    case 'IN_PROGRESS':
      return { statuses: ['IN_PROGRESS', 'CANCELLING'] };
    case 'SUCCESS':
    case 'FAILED':
    case 'CANCELLED':
      return { statuses: ['COMPLETED'], results: [status] };
  }
}

/**
 * Filters -> query params of GET /v1/workflows/runs. A preset range is relative to `now`, read at
 * fetch time, so the query key (and the URL) stay "last 24h" rather than an instant. Without a
 * workflow (the all-runs list) the `workflow` filter, if any, picks one.
 */
export function runsQueryParams(workflowId: string | undefined, filters: RunFilters, now: number) {
  const workflow = workflowId ?? filters.workflow;
  return {
    workflowIdentifiers: workflow ? [workflow] : undefined,
    ...statusParams(filters.status),
    createdBy: filters.createdBy,
    entity: filters.entity,
    ...rangeParams(filters, now),
    failedNode: filters.failedNode,
  };
}

/** Replaces displayed runs by their fresher copies, in place: row order and pages never move. */
export function patchPages(
  data: InfiniteData<RunsPage, string | null> | undefined,
  fresh: WorkflowRunSummary[],
): InfiniteData<RunsPage, string | null> | undefined {
  if (!data || fresh.length === 0) return data;
  const byId = new Map(fresh.map((r) => [r.identifier, r]));
  let changed = false;
  const pages = data.pages.map((page) => {
    let pageChanged = false;
    const workflowRuns = page.workflowRuns.map((run) => {
      const next = byId.get(run.identifier);
      if (!next || next.updatedAt === run.updatedAt) return run;
      pageChanged = true;
      return next;
    });
    if (!pageChanged) return page;
    changed = true;
    return { ...page, workflowRuns };
  });
  return changed ? { ...data, pages } : data;
}

/** Identifiers of displayed runs still moving: the only rows that are polled. */
export const inProgressIds = (runs: WorkflowRunSummary[]) =>
  runs.filter((r) => !isRunFinished(r)).map((r) => r.identifier);

/** Runs in a fresh first page that the list does not show yet and that are newer than its top. */
export const newRunsSince = (displayed: RunIdOnly[], latest: RunIdOnly[]) =>
  newItemsSince(
    displayed,
    latest,
    (r) => r.identifier,
    (r) => r.createdAt,
  );
