import type { MantineColor } from '@mantine/core';
import type { ActionRunStatus, ActionRunV2, RunLink } from '../../../contract/actions';
import { actionRunState, stateAppearance } from '../../components/StatusBadge';
import type { ActionRunFilters } from './search';

export interface ActionRunsPage {
  runs: ActionRunV2[];
  nextCursor: string | null;
}

/** Filters -> query params of GET /v1/actions/runs (Port's names; the user box takes either). */
export function actionRunsQueryParams(filters: ActionRunFilters) {
  const user = filters.user;
  return {
    version: 'v2',
    action: filters.action,
    blueprint: filters.blueprint,
    entity: filters.entity,
    active: filters.active === undefined ? undefined : String(filters.active),
    user_email: user?.includes('@') ? user : undefined,
    user_id: user && !user.includes('@') ? user : undefined,
  };
}

/** Waiting for approval still moves (someone approves, then it runs): only these are final. */
export const isActionRunFinished = (run: Pick<ActionRunV2, 'status'>) =>
  run.status === 'SUCCESS' || run.status === 'FAILURE' || run.status === 'DECLINED';

/**
 * The colour of a run's status label: the status's own colour once the status says how the run
 * ended; while it has not (in progress, waiting) the label stands alone, in a neutral colour.
 */
export function statusLabelColor(status: ActionRunStatus): MantineColor {
  return isActionRunFinished({ status }) ? stateAppearance(actionRunState(status)).color : 'gray';
}

/** Only http(s) URLs become links; anything else (javascript:, data:, relative) stays text. */
export function safeHttpUrl(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
}

export const runLinks = (link: RunLink | null): string[] =>
  link === null ? [] : Array.isArray(link) ? link : [link];

/** Runs in a fresh first page that the list does not show yet and that are newer than its top. */
export function newActionRunsSince(displayed: ActionRunV2[], latest: ActionRunV2[]): number {
  const top = displayed[0];
  if (!top) return latest.length;
  const shown = new Set(displayed.map((r) => r.id));
  return latest.filter((r) => !shown.has(r.id) && r.createdAt >= top.createdAt).length;
}
