import { createHash } from 'node:crypto';
import type { IntegrationActionInvocation } from '../../contract/agent-work';
import { render } from './templates';

/**
 * Rules of work that an external execution agent (Port's Ocean) pulls: which runs wait for one,
 * what it is handed, and how a workflow node is named across runs.
 */

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * A workflow node's uid: the same for every run and version of the workflow, so an agent can
 * exclude one node's runs from a claim. Derived, never stored: `wfn_` + 16 of [a-zA-Z0-9].
 */
export function nodeUidOf(workflowIdentifier: string, nodeIdentifier: string): string {
  const digest = createHash('sha256').update(`${workflowIdentifier}\0${nodeIdentifier}`).digest();
  let uid = 'wfn_';
  for (let i = 0; i < 16; i++) uid += BASE62[digest[i]! % 62];
  return uid;
}

/** The installation whose agents may claim runs of this invocation method or node config. */
export function agentInstallationOf(config: { type: string; installationId?: unknown }) {
  return config.type === 'INTEGRATION_ACTION' && typeof config.installationId === 'string'
    ? config.installationId
    : null;
}

/** Port's `pendingExecution`: an agent's run still in progress that no agent has taken yet. */
export const isPendingExecution = (row: {
  installationId: string | null;
  status: string;
  acknowledgedAt: Date | null;
}) => row.installationId !== null && row.status === 'IN_PROGRESS' && row.acknowledgedAt === null;

/**
 * An INTEGRATION_ACTION run's `payload` (what the agent executes): the action's invocation
 * method with `{{ .inputs.x }}`-style references rendered against the run. Throws TemplateError
 * for a reference with no value.
 */
export function integrationPayload(
  method: IntegrationActionInvocation,
  scope: Record<string, unknown>,
): IntegrationActionInvocation {
  return {
    type: 'INTEGRATION_ACTION',
    installationId: method.installationId,
    integrationActionType: method.integrationActionType,
    integrationActionExecutionProperties: render(
      method.integrationActionExecutionProperties,
      scope,
    ) as Record<string, unknown>,
  };
}
