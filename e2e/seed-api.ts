import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import type { accessTokenBodySchema } from '../contract/auth';
import type {
  LogLevel,
  NodeRun,
  Workflow,
  WorkflowRun,
  nodeRunPatchSchema,
  startRunBodySchema,
  workflowBodySchema,
} from '../contract/workflows';

export type WorkflowInput = z.input<typeof workflowBodySchema>;
export type NodeRunPatchInput = z.input<typeof nodeRunPatchSchema>;
export type StartRunInput = z.input<typeof startRunBodySchema>;
export type Credentials = z.infer<typeof accessTokenBodySchema>;

/** A suffix that keeps identifiers unique across specs sharing one worker's server. */
export const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

/**
 * Seeds data through the server's real HTTP API, as one user. Deliberately small: only the
 * calls the specs need, typed with the contract's schemas.
 */
export class SeedApi {
  private accessToken: string | null = null;

  constructor(
    readonly baseURL: string,
    readonly credentials: Credentials,
  ) {}

  async token(): Promise<string> {
    if (!this.accessToken) {
      const body = await this.send<{ accessToken: string }>(
        'POST',
        '/v1/auth/access_token',
        this.credentials,
        null,
      );
      this.accessToken = body.accessToken;
    }
    return this.accessToken;
  }

  private async send<T>(
    method: string,
    path: string,
    body: unknown,
    token: string | null,
  ): Promise<T> {
    const res = await fetch(`${this.baseURL}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
    return JSON.parse(text) as T;
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    return this.send<T>(method, path, body, await this.token());
  }

  async createWorkflow(body: WorkflowInput): Promise<Workflow> {
    return (await this.call<{ workflow: Workflow }>('POST', '/v1/workflows', body)).workflow;
  }

  /** PUT: a new version of the workflow; runs already started keep theirs. */
  async replaceWorkflow(identifier: string, body: WorkflowInput): Promise<Workflow> {
    const path = `/v1/workflows/${encodeURIComponent(identifier)}`;
    return (await this.call<{ workflow: Workflow }>('PUT', path, body)).workflow;
  }

  /** DELETE (admin): the workflow goes, its runs and their audit entries stay. */
  async deleteWorkflow(identifier: string): Promise<void> {
    await this.call('DELETE', `/v1/workflows/${encodeURIComponent(identifier)}`);
  }

  async startRun(workflowIdentifier: string, body: StartRunInput = {}): Promise<WorkflowRun> {
    const path = `/v1/workflows/${encodeURIComponent(workflowIdentifier)}/runs`;
    return (await this.call<{ workflowRun: WorkflowRun }>('POST', path, body)).workflowRun;
  }

  async getRun(identifier: string): Promise<WorkflowRun> {
    const path = `/v1/workflows/runs/${identifier}`;
    return (await this.call<{ workflowRun: WorkflowRun }>('GET', path)).workflowRun;
  }

  /** The workflow's runs as the server orders them (newest first). */
  async listRunIds(workflowIdentifier: string): Promise<string[]> {
    const query = `workflowIdentifiers=${encodeURIComponent(workflowIdentifier)}&limit=1000`;
    const body = await this.call<{ workflowRuns: WorkflowRun[] }>(
      'GET',
      `/v1/workflows/runs?${query}`,
    );
    return body.workflowRuns.map((r) => r.identifier);
  }

  async patchNodeRun(nodeRunIdentifier: string, patch: NodeRunPatchInput): Promise<void> {
    await this.call('PATCH', `/v1/workflows/nodes/runs/${nodeRunIdentifier}`, patch);
  }

  async appendLogs(
    nodeRunIdentifier: string,
    logs: { level: LogLevel; message: string }[],
  ): Promise<void> {
    await this.call('POST', `/v1/workflows/nodes/runs/${nodeRunIdentifier}/logs`, { logs });
  }

  /** One page of a node run's log, as GET …/logs answers `query`. */
  async logPage(
    nodeRunIdentifier: string,
    query: string,
  ): Promise<{ total?: number; nextCursor: string | null }> {
    return this.call('GET', `/v1/workflows/nodes/runs/${nodeRunIdentifier}/logs?${query}`);
  }

  /** The run's node run for `nodeIdentifier` (the latest, if the node ran more than once). */
  async nodeRun(runIdentifier: string, nodeIdentifier: string): Promise<NodeRun> {
    const found = await this.findNodeRun(runIdentifier, nodeIdentifier);
    if (!found) throw new Error(`run ${runIdentifier} has no node run for "${nodeIdentifier}"`);
    return found;
  }

  /** The node's latest run in the run, or undefined while the run has not reached the node. */
  async findNodeRun(runIdentifier: string, nodeIdentifier: string): Promise<NodeRun | undefined> {
    const run = await this.getRun(runIdentifier);
    return run.nodeRuns.filter((n) => n.nodeIdentifier === nodeIdentifier).at(-1);
  }
}

/**
 * trigger → build → deploy. KAFKA nodes wait for a worker to report through the node-run API, so
 * the test decides when (and how) each node finishes.
 */
export function pipelineWorkflow(identifier: string, title = identifier): WorkflowInput {
  return {
    identifier,
    title,
    icon: 'Rocket',
    nodes: [
      {
        identifier: 'trigger',
        title: 'Start',
        config: {
          type: 'SELF_SERVE_TRIGGER',
          userInputs: { properties: { service: { type: 'string' } }, required: [] },
        },
      },
      { identifier: 'build', title: 'Build image', config: { type: 'KAFKA' } },
      { identifier: 'deploy', title: 'Deploy service', config: { type: 'KAFKA' } },
    ],
    connections: [
      { sourceIdentifier: 'trigger', targetIdentifier: 'build' },
      { sourceIdentifier: 'build', targetIdentifier: 'deploy' },
    ],
  };
}
