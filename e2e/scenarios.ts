import type { LogLevel, NodeRun, Workflow, WorkflowRun } from '../contract/workflows';
import { pipelineWorkflow, unique, type SeedApi } from './seed-api';

/** The build log of a failed deploy: every level, and "timeout" on three lines. */
export const BUILD_LOG: { level: LogLevel; message: string }[] = [
  { level: 'INFO', message: 'Pulling base image node:20-slim' },
  { level: 'DEBUG', message: 'Resolved digest sha256:4f1c' },
  { level: 'INFO', message: 'Installing 412 packages' },
  { level: 'WARN', message: 'Registry slow to answer, retrying (timeout 30s)' },
  { level: 'INFO', message: 'Compiling 87 modules' },
  { level: 'DEBUG', message: 'Cache hit ratio 0.83' },
  { level: 'ERROR', message: 'Push to registry failed: timeout after 30s' },
  { level: 'INFO', message: 'Retrying push (2 of 2)' },
  { level: 'ERROR', message: 'Push to registry failed again: connection reset' },
  { level: 'WARN', message: 'Giving up; the image stays local' },
  { level: 'ERROR', message: 'Build aborted: registry timeout' },
];
export const ERROR_LINES = BUILD_LOG.filter((l) => l.level === 'ERROR').map((l) => l.message);
export const TIMEOUT_LINES = BUILD_LOG.filter((l) => l.message.includes('timeout')).map(
  (l) => l.message,
);

export const BUILD_OUTPUT = {
  image: { repository: 'registry.example.com/checkout', tag: 'v1.4.2' },
  resourceId: 'res-7f3a',
  layers: 12,
};

export interface SeededRun {
  workflow: Workflow;
  run: WorkflowRun;
  build: NodeRun;
}

export async function seedPipeline(api: SeedApi, title = 'Deploy checkout'): Promise<Workflow> {
  return api.createWorkflow(pipelineWorkflow(unique('deploy'), title));
}

/** A run whose build logged BUILD_LOG, reported BUILD_OUTPUT and failed: the run is COMPLETED. */
export async function seedFailedRun(api: SeedApi, workflow?: Workflow): Promise<SeededRun> {
  const wf = workflow ?? (await seedPipeline(api));
  const started = await api.startRun(wf.identifier, {
    inputs: { service: 'checkout' },
    entity: 'checkout',
  });
  const build = await api.nodeRun(started.identifier, 'build');
  await api.patchNodeRun(build.identifier, {
    logs: BUILD_LOG.map((l) => ({ logLevel: l.level, log: l.message })),
    output: BUILD_OUTPUT,
  });
  await api.patchNodeRun(build.identifier, { status: 'COMPLETED', result: 'FAILED' });
  const run = await api.getRun(started.identifier);
  return { workflow: wf, run, build: await api.nodeRun(run.identifier, 'build') };
}

/** A run whose build succeeded and whose deploy is still IN_PROGRESS with a few lines. */
export async function seedLiveRun(api: SeedApi, workflow?: Workflow) {
  const wf = workflow ?? (await seedPipeline(api));
  const started = await api.startRun(wf.identifier, { inputs: { service: 'checkout' } });
  const build = await api.nodeRun(started.identifier, 'build');
  await api.patchNodeRun(build.identifier, {
    logs: [{ logLevel: 'INFO', log: 'Image built' }],
    output: BUILD_OUTPUT,
    status: 'COMPLETED',
    result: 'SUCCESS',
  });
  const deploy = await api.nodeRun(started.identifier, 'deploy');
  await api.appendLogs(deploy.identifier, [
    { level: 'INFO', message: 'Rolling out 3 replicas' },
    { level: 'INFO', message: 'Replica 1 of 3 ready' },
  ]);
  return { workflow: wf, run: await api.getRun(started.identifier), deploy };
}
