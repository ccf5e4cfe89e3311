import { describe, expect, it } from 'vitest';
import { upgradeFrom } from '../test/upgrade';

/**
 * The upgrade that names the workflow on audit entries (migrations s17server_audit_workflow and
 * its backfill) on a database migrated up to 0030 whose entries were written without it.
 */
const BEFORE = '0030_s12search_chunk_pairs';

const upgrade = upgradeFrom(BEFORE);

describe('upgrading audit entries to name their workflow', () => {
  it('fills the workflow of every entry tied to a workflow run still there, and only those', async () => {
    await upgrade(async ({ q, migrateBefore, migrateAll }) => {
      await migrateBefore();
      const run = 'wfr_Upgrade000000001';
      await q(
        `INSERT INTO workflow_runs (identifier, workflow_identifier, workflow_version, title,
           status, created_by, created_at, updated_at)
         VALUES ($1, 'deploy_service', 3, 'Deploy service', 'IN_PROGRESS', 'u', now(), now())`,
        [run],
      );
      const entry = (id: string, resource: string, runId: string | null) =>
        q(
          `INSERT INTO audit_log (identifier, action, resource_type, status, user_id, origin, at,
             run_id, diff)
           VALUES ($1, 'CREATE', $2, 'SUCCESS', 'u', 'API', now(), $3, '{}')`,
          [id, resource, runId],
        );
      await entry('aud_start', 'run', run); // the run's start
      await entry('aud_tied', 'entity', run); // an entity change the run made
      await entry('aud_gone', 'run', 'wfr_Gone000000000001'); // its run expired since
      await entry('aud_action', 'run', 'r_Action0000000001'); // an action run's
      await entry('aud_signin', 'session', null);

      await migrateAll();

      const rows = await q<{ identifier: string; workflow: string | null; title: string | null }>(
        `SELECT identifier, workflow_identifier AS workflow, workflow_title AS title
         FROM audit_log ORDER BY identifier`,
      );
      expect(rows).toEqual([
        { identifier: 'aud_action', workflow: null, title: null },
        { identifier: 'aud_gone', workflow: null, title: null },
        { identifier: 'aud_signin', workflow: null, title: null },
        { identifier: 'aud_start', workflow: 'deploy_service', title: 'Deploy service' },
        { identifier: 'aud_tied', workflow: 'deploy_service', title: 'Deploy service' },
      ]);
      // The filter's index holds the entries of workflow runs only.
      const [indexed] = await q<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_indexes
         WHERE indexname = 'audit_log_workflow_idx' AND indexdef LIKE '%WHERE (workflow_identifier IS NOT NULL)%'`,
      );
      expect(indexed!.n).toBe(1);
    });
  });
});
