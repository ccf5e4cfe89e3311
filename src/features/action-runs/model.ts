import { newItemsSince } from '../../lib/newest-first-list';
import { rangeParams } from '../../lib/time-ranges';
import type { ActionRunStatus, ActionRunV2, RunLink } from '../../../contract/actions';
import { actionRunState, stateAppearance } from '../../components/StatusBadge';
import type { ActionRunFilters } from './search';

export interface ActionRunsPage {
  runs: ActionRunV2[];
  nextCursor: string | null;
}

/** Filters -> query params of GET /v1/actions/runs (Port's names; the user box takes either). */
export function actionRunsQueryParams(filters: ActionRunFilters, now: number) {
  const user = filters.user;
  return {
    version: 'v2',
    action: filters.action,
    blueprint: filters.blueprint,
    entity: filters.entity,
    active: filters.active === undefined ? undefined : String(filters.active),
    status: filters.status,
    user_email: user?.includes('@') ? user : undefined,
    user_id: user && !user.includes('@') ? user : undefined,
    ...rangeParams(filters, now),
  };
}

/** Waiting for approval still moves (someone approves, then it runs): only these are final. */
export const isActionRunFinished = (run: Pick<ActionRunV2, 'status'>) =>
  run.status === 'SUCCESS' || run.status === 'FAILURE' || run.status === 'DECLINED';

const normalize = (text: string) => text.toLowerCase().replace(/[^a-z]/g, '');

/** A label that only repeats the status ("Failed" on a FAILURE, "success" on a SUCCESS). */
function repeatsStatus(label: string, status: ActionRunStatus): boolean {
  const said = normalize(label);
  return (
    said === '' ||
    said === normalize(status) ||
    said === normalize(stateAppearance(actionRunState(status)).label)
  );
}

/**
 * The backend's status label where it adds something to the status badge ("Deploying 3/5",
 * "Quota exceeded"); null when there is none or it only repeats the status ("Failed" on a
 * FAILURE). Shown in a neutral colour, so a label left from a step ("Verifying") never reads as a
 * second status.
 */
export function informativeLabel(run: Pick<ActionRunV2, 'status' | 'statusLabel'>) {
  if (!run.statusLabel) return null;
  return repeatsStatus(run.statusLabel, run.status) ? null : run.statusLabel;
}

export const runLinks = (link: RunLink | null): string[] =>
  link === null ? [] : Array.isArray(link) ? link : [link];

/** Runs in a fresh first page that the list does not show yet and that are newer than its top. */
export const newActionRunsSince = (displayed: ActionRunV2[], latest: ActionRunV2[]) =>
  newItemsSince(
    displayed,
    latest,
    (r) => r.id,
    (r) => r.createdAt,
  );
