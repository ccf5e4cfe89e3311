import { describe, expect, it } from 'vitest';
import type { AuditLogEntry } from '../../../contract/entities';
import { auditLogQueryParams, auditSubject, newEntriesSince, tiedRun } from './model';

const entry = (
  over: Omit<Partial<AuditLogEntry>, 'context'> & {
    context?: Partial<AuditLogEntry['context']>;
  },
) =>
  ({
    identifier: 'aud_1',
    action: 'UPDATE',
    resourceType: 'run',
    status: 'SUCCESS',
    trigger: { by: { userId: 'user_admin' }, origin: 'API', at: '2026-01-01T00:00:00.000Z' },
    diff: { before: null, after: null },
    workflowDeleted: over.context?.workflow ? false : null,
    runDeleted: over.context?.runId ? false : null,
    runRetentionDays: null,
    ...over,
    context: {
      entity: null,
      blueprint: null,
      blueprintIdentifier: null,
      entityIdentifier: null,
      runId: null,
      action: null,
      workflow: null,
      workflowTitle: null,
      ...over.context,
    },
  }) as AuditLogEntry;

describe('auditSubject', () => {
  it('tells a workflow run from an action run by the id', () => {
    expect(auditSubject(entry({ context: { runId: 'wfr_abcdefghijklmnop' } }))).toEqual({
      kind: 'workflow-run',
      runId: 'wfr_abcdefghijklmnop',
      workflow: null,
      gone: null,
    });
    expect(
      auditSubject(entry({ context: { runId: 'r_abcdefghijklmnop', action: 'deploy' } })),
    ).toEqual({ kind: 'action-run', runId: 'r_abcdefghijklmnop', action: 'deploy', gone: null });
  });

  it('names a workflow run’s workflow as the entry recorded it: title, else identifier', () => {
    const runId = 'wfr_abcdefghijklmnop';
    expect(
      auditSubject(
        entry({ context: { runId, workflow: 'deploy', workflowTitle: 'Deploy service' } }),
      ),
    ).toEqual({
      kind: 'workflow-run',
      runId,
      workflow: { identifier: 'deploy', name: 'Deploy service', deleted: false },
      gone: null,
    });
    expect(auditSubject(entry({ context: { runId, workflow: 'deploy' } }))).toEqual({
      kind: 'workflow-run',
      runId,
      workflow: { identifier: 'deploy', name: 'deploy', deleted: false },
      gone: null,
    });
  });

  it('says when the workflow it names has been deleted since', () => {
    const runId = 'wfr_abcdefghijklmnop';
    const gone = entry({
      context: { runId, workflow: 'deploy', workflowTitle: 'Deploy service' },
      workflowDeleted: true,
    });
    expect(auditSubject(gone)).toMatchObject({
      workflow: { identifier: 'deploy', name: 'Deploy service', deleted: true },
    });
    const changed = entry({ ...gone, resourceType: 'entity', context: gone.context });
    expect(tiedRun(changed)?.workflow).toEqual({
      identifier: 'deploy',
      name: 'Deploy service',
      deleted: true,
    });
  });

  it('names an entity by blueprint and identifier, and the run that changed it', () => {
    const changed = entry({
      resourceType: 'entity',
      context: { blueprintIdentifier: 'service', entityIdentifier: 'payments', runId: 'r_x' },
    });
    expect(auditSubject(changed)).toEqual({
      kind: 'entity',
      blueprint: 'service',
      entity: 'payments',
    });
    expect(tiedRun(changed)).toEqual({ runId: 'r_x', workflow: null, action: null, gone: null });
    const byActionRun = entry({
      resourceType: 'entity',
      context: { entityIdentifier: 'payments', runId: 'r_y', action: 'deploy' },
    });
    expect(tiedRun(byActionRun)).toEqual({
      runId: 'r_y',
      workflow: null,
      action: 'deploy',
      gone: null,
    });
    expect(tiedRun(entry({ context: { runId: 'r_x' } }))).toBeNull();
    const byWorkflowRun = entry({
      resourceType: 'entity',
      context: {
        blueprintIdentifier: 'service',
        entityIdentifier: 'payments',
        runId: 'wfr_x',
        workflow: 'deploy',
        workflowTitle: 'Deploy service',
      },
    });
    expect(tiedRun(byWorkflowRun)).toEqual({
      runId: 'wfr_x',
      workflow: { identifier: 'deploy', name: 'Deploy service', deleted: false },
      action: null,
      gone: null,
    });
  });

  it('says when the run it names is gone, and whether retention removed it', () => {
    const runId = 'wfr_abcdefghijklmnop';
    const expired = entry({ context: { runId }, runDeleted: true, runRetentionDays: 30 });
    expect(auditSubject(expired)).toMatchObject({ runId, gone: { retentionDays: 30 } });
    const unknown = entry({ context: { runId: 'r_abcdefghijklmnop' }, runDeleted: true });
    expect(auditSubject(unknown)).toMatchObject({ gone: { retentionDays: null } });
    const changed = entry({ ...expired, resourceType: 'entity', context: expired.context });
    expect(tiedRun(changed)?.gone).toEqual({ retentionDays: 30 });
  });

  it('names the person a people or credential change is about, nothing for a sign-in', () => {
    const removed = entry({
      resourceType: 'credential',
      action: 'DELETE',
      diff: { before: { id: 'user_ci', name: 'CI' }, after: null },
    });
    expect(auditSubject(removed)).toEqual({ kind: 'person', userId: 'user_ci' });
    expect(auditSubject(entry({ resourceType: 'session' }))).toEqual({ kind: 'none' });
  });
});

describe('auditLogQueryParams', () => {
  it('sends one resource and action as the endpoint’s lists, the run as run_id', () => {
    expect(
      auditLogQueryParams({ resource: 'entity', action: 'DELETE', run: 'r_1', from: 'x' }, 0),
    ).toMatchObject({ resources: ['entity'], action: ['DELETE'], run_id: 'r_1', from: 'x' });
    expect(auditLogQueryParams({}, 0)).toMatchObject({ resources: undefined, action: undefined });
  });

  it('sends a preset range as a from counted back from now', () => {
    const now = Date.parse('2026-06-01T12:00:00.000Z');
    expect(auditLogQueryParams({ range: '24h', to: 'x' }, now)).toMatchObject({
      from: '2026-05-31T12:00:00.000Z',
      to: undefined,
    });
  });
});

describe('newEntriesSince', () => {
  it('counts the newest entries the list does not hold', () => {
    const at = (s: number) => `2026-01-01T00:00:0${s}.000Z`;
    const shown = [entry({ identifier: 'b', trigger: { ...entry({}).trigger, at: at(2) } })];
    const latest = [
      entry({ identifier: 'c', trigger: { ...entry({}).trigger, at: at(3) } }),
      shown[0]!,
      entry({ identifier: 'a', trigger: { ...entry({}).trigger, at: at(1) } }),
    ];
    expect(newEntriesSince(shown, latest)).toBe(1);
    expect(newEntriesSince([], latest)).toBe(3);
  });
});
