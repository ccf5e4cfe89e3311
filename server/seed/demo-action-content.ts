import type { ActionBody, ActionLogLevel, RunLink } from '../../contract/actions';
import { actionBodySchema } from '../../contract/actions';
import { ENVIRONMENT_BLUEPRINT, SERVICE_BLUEPRINT } from './demo-catalog';
import type { Rng } from './demo-content';

/** The demo actions and the words their runs say: scripts, inputs and links. */

type DemoAction = ActionBody & { blueprint: string; title: string };

const action = (body: unknown): DemoAction => actionBodySchema.parse(body) as DemoAction;

/** The demo's actions, written in the older shape: each names its blueprint and title. */
export const DEMO_ACTIONS: readonly DemoAction[] = [
  action({
    identifier: 'create_service',
    title: 'Create service',
    icon: 'Microservice',
    description: 'Scaffold a repository, pipeline and catalog entry for a new service',
    blueprint: SERVICE_BLUEPRINT,
    trigger: {
      operation: 'CREATE',
      userInputs: {
        properties: {
          name: { type: 'string', title: 'Name' },
          language: { type: 'string', enum: ['Go', 'TypeScript', 'Python', 'Java'] },
        },
        required: ['name'],
      },
    },
    invocationMethod: { type: 'GITHUB', org: 'runboard-demo', repo: 'scaffolder' },
  }),
  action({
    identifier: 'deploy_service',
    title: 'Deploy service',
    icon: 'Deployment',
    description: 'Roll a version of the service out to an environment',
    blueprint: SERVICE_BLUEPRINT,
    trigger: {
      operation: 'DAY-2',
      userInputs: {
        properties: {
          version: { type: 'string', title: 'Version' },
          environment: { type: 'string', enum: ['production', 'staging'] },
        },
        required: ['version', 'environment'],
      },
    },
    invocationMethod: { type: 'WEBHOOK' },
  }),
  action({
    identifier: 'restart_service',
    title: 'Restart service',
    icon: 'Restart',
    description: 'Rolling restart of every pod of the service',
    blueprint: SERVICE_BLUEPRINT,
    trigger: { operation: 'DAY-2' },
    invocationMethod: { type: 'KAFKA' },
  }),
  action({
    identifier: 'delete_service',
    title: 'Delete service',
    icon: 'Trash',
    description: 'Archive the repository and remove the service from the catalog',
    blueprint: SERVICE_BLUEPRINT,
    trigger: { operation: 'DELETE' },
    allowAnyoneToViewRuns: false,
    invocationMethod: { type: 'GITHUB', org: 'runboard-demo', repo: 'scaffolder' },
  }),
  action({
    identifier: 'scale_environment',
    title: 'Scale environment',
    icon: 'Environment',
    description: 'Change the node count of an environment’s cluster',
    blueprint: ENVIRONMENT_BLUEPRINT,
    trigger: {
      operation: 'DAY-2',
      userInputs: {
        properties: { nodes: { type: 'number', minimum: 1, maximum: 50 } },
        required: ['nodes'],
      },
    },
    requiredApproval: { type: 'ANY' },
    invocationMethod: { type: 'WEBHOOK' },
  }),
];

export const NEW_SERVICE_NAMES = [
  'inventory-api',
  'ledger-service',
  'recommendations',
  'email-gateway',
  'pricing-engine',
  'fraud-detector',
];

const STEPS: Record<string, readonly string[]> = {
  create_service: [
    'Creating repository runboard-demo/{name}',
    'Pushing the {language} template (42 files)',
    'Configuring branch protection on main',
    'Creating the CI pipeline',
    'Registering {name} in the catalog',
  ],
  deploy_service: [
    'Resolving image {entity}:{version}',
    'Rendering Helm values for {environment}',
    'Applying manifests to cluster {environment}-eu-west-1',
    'Waiting for rollout: 2/6 pods ready',
    'Waiting for rollout: 6/6 pods ready',
    'Smoke tests passed (14/14)',
  ],
  restart_service: [
    'Cordoning traffic for {entity}',
    'Restarting pods in batches of 2',
    'Batch 1/3 healthy',
    'Batch 2/3 healthy',
    'Batch 3/3 healthy',
  ],
  delete_service: [
    'Archiving repository runboard-demo/{entity}',
    'Removing DNS records',
    'Deleting the CI pipeline',
  ],
  scale_environment: [
    'Requesting {nodes} nodes for {entity}',
    'Node group updated; waiting for nodes to join',
    'All nodes ready',
  ],
};

const WARNINGS = [
  'Slow response from the registry (2.4 s); retrying',
  'Rate limited by GitHub API; backing off 5 s',
  'Readiness probe failed once on pod {pod}; it recovered',
];
const ERRORS = [
  'Rollout stalled: 3 pods in CrashLoopBackOff',
  'GitHub answered 422: repository name already exists',
  'Timed out after 600 s waiting for nodes to join',
];
const LABELS: Record<string, readonly string[]> = {
  create_service: ['Scaffolding', 'Creating pipeline', 'Registering'],
  deploy_service: ['Building', 'Rolling out', 'Verifying'],
  restart_service: ['Restarting', 'Checking health'],
  delete_service: ['Archiving', 'Cleaning up'],
  scale_environment: ['Scaling', 'Waiting for nodes'],
};

export interface ScriptLine {
  level: ActionLogLevel;
  message: string;
  /** A label the backend sets when it reaches this line. */
  label?: string;
}

function fill(template: string, vars: Record<string, string>, rng: Rng) {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name === 'pod' ? `${vars.entity ?? 'svc'}-${rng.hex(5)}` : (vars[name] ?? whole),
  );
}

/** What a backend of this action logs, ending with the lines of a success or a failure. */
export function actionScript(
  actionId: string,
  vars: Record<string, string>,
  succeed: boolean,
  rng: Rng,
): ScriptLine[] {
  const steps = STEPS[actionId] ?? ['Working'];
  const labels = LABELS[actionId] ?? ['Working'];
  const cut = succeed ? steps.length : rng.int(1, steps.length - 1);
  const lines: ScriptLine[] = [];
  steps.slice(0, cut).forEach((step, i) => {
    const label = labels[Math.floor((i * labels.length) / steps.length)];
    lines.push({ level: 'INFO', message: fill(step, vars, rng), ...(label ? { label } : {}) });
    if (rng.chance(0.12))
      lines.push({ level: 'WARN', message: fill(rng.pick(WARNINGS), vars, rng) });
  });
  if (!succeed) lines.push({ level: 'ERROR', message: fill(rng.pick(ERRORS), vars, rng) });
  return lines;
}

export function runLinks(actionId: string, rng: Rng): RunLink {
  const job = `https://github.com/runboard-demo/${actionId.replace('_', '-')}/actions/runs/${rng.int(3_000_000_000, 9_999_999_999)}`;
  if (!rng.chance(0.4)) return job;
  return [job, `https://grafana.runboard.dev/d/deploys?var-run=${rng.hex(8)}`];
}

/** Inputs a person would give this action. */
export function demoInputs(actionId: string, rng: Rng): Record<string, unknown> {
  switch (actionId) {
    case 'create_service':
      return {
        name: rng.pick(NEW_SERVICE_NAMES),
        language: rng.pick(['Go', 'TypeScript', 'Python', 'Java']),
      };
    case 'deploy_service':
      return {
        version: `v1.${rng.int(0, 40)}.${rng.int(0, 9)}`,
        environment: rng.chance(0.6) ? 'production' : 'staging',
      };
    case 'scale_environment':
      return { nodes: rng.int(3, 24) };
    default:
      return {};
  }
}
