import { describe, expect, it } from 'vitest';
import {
  ACTIVITY_STATUS_OF,
  ACTIVITY_STATUSES,
  type ActivityItem,
} from '../../../contract/entities';
import { actionRunStatusSchema } from '../../../contract/actions';
import { runResultSchema, runStatusSchema } from '../../../contract/workflows';
import { actionRunState, workflowRunState } from '../../components/StatusBadge';
import { activityRow, hasLiveRows, searchEntities, statusBucket } from './model';

const at = '2026-01-01T10:00:00.000Z';

const workflowRun = {
  type: 'workflowRun',
  at,
  item: {
    identifier: 'wfr_aaaaaaaaaaaaaaaa',
    title: null,
    icon: null,
    workflow: { identifier: 'deploy', version: 1 },
    workflowIdentifier: 'deploy',
    status: 'COMPLETED',
    result: 'FAILED',
    nodeRuns: [],
    variables: { outputs: {} },
    inputs: {},
    entity: 'svc',
    rerunOf: null,
    createdAt: at,
    updatedAt: at,
    completedAt: '2026-01-01T10:01:00.000Z',
    createdBy: 'user_admin',
    logCounts: { WARN: 1, ERROR: 2 },
  },
} satisfies ActivityItem;

const ref = (identifier: string, title: string | null) => ({
  identifier,
  title,
  icon: null,
  deleted: false,
});

const actionRun = {
  type: 'actionRun',
  at,
  item: {
    id: 'r_aaaaaaaaaaaaaaaa',
    status: 'IN_PROGRESS',
    statusLabel: null,
    link: null,
    summary: null,
    source: 'UI',
    properties: {},
    relatedEntityExists: true,
    relatedBlueprintExists: true,
    endedAt: null,
    createdAt: at,
    updatedAt: at,
    createdBy: 'user_member',
    updatedBy: 'user_member',
    externalRunId: null,
    action: ref('scale', 'Scale service'),
    blueprint: ref('service', 'Service'),
    entity: ref('svc', null),
    requiredApproval: false,
    approval: null,
    payload: {},
    logCounts: { WARN: 0, ERROR: 0 },
  },
} satisfies ActivityItem;

const change = {
  type: 'audit',
  at,
  item: {
    identifier: 'aud_1',
    action: 'UPDATE',
    resourceType: 'entity',
    status: 'SUCCESS',
    trigger: { by: { userId: 'user_ci' }, origin: 'API', at },
    context: {
      entity: 'svc',
      blueprint: 'service',
      blueprintIdentifier: 'service',
      entityIdentifier: 'svc',
      runId: 'r_aaaaaaaaaaaaaaaa',
      action: null,
      workflow: null,
      workflowTitle: null,
    },
    diff: { before: { title: 'a' }, after: { title: 'b' } },
  },
  runTitle: 'Scale service',
  runDeleted: false,
  runRetentionDays: null,
} satisfies ActivityItem;

describe('activityRow', () => {
  it('reads a workflow run: state, workflow as title, problem counts, link to the run', () => {
    expect(activityRow(workflowRun)).toMatchObject({
      kind: 'workflowRun',
      state: 'failed',
      title: 'deploy',
      who: 'user_admin',
      span: { start: at, end: '2026-01-01T10:01:00.000Z' },
      problems: { WARN: 1, ERROR: 2 },
      target: { to: '/runs/$runId', runId: 'wfr_aaaaaaaaaaaaaaaa' },
    });
  });

  it('reads an action run by its action title, still running', () => {
    expect(activityRow(actionRun)).toMatchObject({
      kind: 'actionRun',
      state: 'in-progress',
      title: 'Scale service',
      span: { start: at, end: null },
      target: { to: '/actions/runs/$runId', runId: 'r_aaaaaaaaaaaaaaaa' },
    });
  });

  it('reads a change made by a run: no status, a verb, the run it came from by its name', () => {
    expect(activityRow(change)).toMatchObject({
      kind: 'change',
      state: null,
      verb: 'Updated',
      title: 'Updated entity by run Scale service',
      who: 'user_ci',
      span: null,
      problems: null,
      target: { to: '/actions/runs/$runId', runId: 'r_aaaaaaaaaaaaaaaa' },
    });
    // A run the server could not name (deleted) is "a run", never its id.
    expect(activityRow({ ...change, runTitle: null }).title).toBe('Updated entity by a run');
  });

  it('names a change’s run retention removed without linking to it', () => {
    const gone = activityRow({ ...change, runDeleted: true, runRetentionDays: 30 });
    expect(gone.target).toBeNull();
    expect(gone.goneRun).toEqual({
      to: '/actions/runs/$runId',
      runId: 'r_aaaaaaaaaaaaaaaa',
      gone: { retentionDays: 30 },
    });
    expect(activityRow(change).goneRun).toBeNull();
  });
});

describe('filters', () => {
  const rows = [workflowRun, actionRun, change].map(activityRow);

  it("buckets every run state as the server's status filter does", () => {
    // The server filters by ACTIVITY_STATUS_OF; the badge's bucket (which decides polling) must agree.
    const bucketOf = (matches: (bucket: (typeof ACTIVITY_STATUS_OF)['success']) => boolean) =>
      ACTIVITY_STATUSES.find((b) => matches(ACTIVITY_STATUS_OF[b])) ?? null;
    for (const status of runStatusSchema.options) {
      for (const result of [...runResultSchema.options, null]) {
        expect(statusBucket(workflowRunState(status, result)), `${status} ${result}`).toBe(
          bucketOf((b) =>
            b.workflowRun.some(
              (s) => s.status === status && (s.result === undefined || s.result === result),
            ),
          ),
        );
      }
    }
    for (const status of actionRunStatusSchema.options) {
      expect(statusBucket(actionRunState(status)), status).toBe(
        bucketOf((b) => b.actionRun.includes(status)),
      );
    }
  });

  it('buckets waiting for approval with in progress', () => {
    expect(statusBucket('waiting-for-approval')).toBe('in-progress');
    expect(statusBucket('cancelled')).toBeNull();
  });

  it('polls only while a loaded run is moving', () => {
    expect(hasLiveRows(rows)).toBe(true);
    expect(hasLiveRows([activityRow(workflowRun), activityRow(change)])).toBe(false);
  });
});

describe('searchEntities', () => {
  const entity = (identifier: string, title: string | null) => ({
    identifier,
    title,
    icon: null,
    blueprint: 'service',
    team: [],
    properties: {},
    relations: {},
    createdAt: at,
    updatedAt: at,
    createdBy: 'u',
    updatedBy: 'u',
  });
  it('matches identifier or title, case-insensitively', () => {
    const all = [entity('checkout', 'Checkout API'), entity('billing', null)];
    expect(searchEntities(all, 'API').map((e) => e.identifier)).toEqual(['checkout']);
    expect(searchEntities(all, 'bill').map((e) => e.identifier)).toEqual(['billing']);
    expect(searchEntities(all, '  ')).toHaveLength(2);
  });
});
