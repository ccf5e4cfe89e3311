import { eq } from 'drizzle-orm';
import type { DbOrTx } from './client';
import { nodeRuns } from './schema';

/**
 * What a streamed tail checks each tick: one primary-key read of the node run's last line seq
 * (written in the same transaction as its lines) and status. Cheap enough to ask the database
 * instead of keeping any state in this process, so any server behind a load balancer can serve
 * any stream.
 */
export async function nodeRunTailState(db: DbOrTx, identifier: string) {
  const [row] = await db
    .select({
      workflowRunIdentifier: nodeRuns.workflowRunIdentifier,
      status: nodeRuns.status,
      logSeq: nodeRuns.logSeq,
      debugCount: nodeRuns.debugCount,
      infoCount: nodeRuns.infoCount,
      warnCount: nodeRuns.warnCount,
      errorCount: nodeRuns.errorCount,
    })
    .from(nodeRuns)
    .where(eq(nodeRuns.identifier, identifier));
  return row;
}
