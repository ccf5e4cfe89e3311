import type { WorkflowBody, WorkflowNode } from '../../contract/workflows';
import {
  DEMO_ENVIRONMENTS,
  DEMO_SERVICES,
  ENVIRONMENT_BLUEPRINT,
  SERVICE_BLUEPRINT,
} from './demo-catalog';
import type { LogVars, Rng } from './demo-content';

export interface OutputContext {
  rng: Rng;
  inputs: Record<string, unknown>;
  vars: LogVars;
  at: Date;
}

/** How a node of the demo behaves when the seed or the simulator plays it. */
export interface NodeProfile {
  theme: string;
  /** Duration range in seconds. */
  seconds: [number, number];
  /** Range of log lines a run of this node writes. */
  lines: [number, number];
  /** Share of runs in which this node is the one that fails. */
  failWeight: number;
  /** How many times its duration grows over the history (a slowly degrading node for trends). */
  degrade?: number;
  /** Chance that it fails on its own in a run that would have succeeded (a flaky node). */
  flaky?: number;
  output: (c: OutputContext) => Record<string, unknown>;
  /** Template values only this node's lines use. */
  vars?: LogVars;
}

export interface DemoWorkflow {
  body: WorkflowBody;
  profiles: Record<string, NodeProfile>;
  /** Realistic trigger inputs and the entity the run concerns. */
  start: (rng: Rng) => { inputs: Record<string, unknown>; entity: string | null };
  /** Template values for this run's log lines. */
  vars: (inputs: Record<string, unknown>) => LogVars;
}

const str = (v: unknown, fallback: string) => (typeof v === 'string' ? v : fallback);

function node(
  identifier: string,
  title: string,
  icon: string,
  config: WorkflowNode['config'],
  extra: Partial<WorkflowNode> = {},
): WorkflowNode {
  return { identifier, title, icon, config, onFailure: 'terminate', ...extra };
}

const chain = (...ids: string[]) =>
  ids.slice(1).map((target, i) => ({ sourceIdentifier: ids[i]!, targetIdentifier: target }));

const edges = (sources: string[], targets: string[]) =>
  sources.flatMap((s) => targets.map((t) => ({ sourceIdentifier: s, targetIdentifier: t })));

/**
 * A webhook whose backend is played by the simulator: no `url`, so the server sends nothing and
 * the node waits for the simulator's PATCH, as it would for a backend reporting asynchronously.
 */
const webhook = (method: string, body?: Record<string, unknown>) => ({
  type: 'WEBHOOK' as const,
  method,
  headers: { 'Content-Type': 'application/json' },
  synchronized: false,
  ...(body ? { body } : {}),
});

const semver = (rng: Rng) => `${rng.int(1, 4)}.${rng.int(0, 30)}.${rng.int(0, 20)}`;

const deployService: DemoWorkflow = {
  body: {
    identifier: 'deploy-service',
    title: 'Deploy service',
    icon: 'Rocket',
    description:
      'Builds a service at a version, runs its tests and rolls it out to an environment.',
    category: 'Delivery',
    allowAnyoneToViewRuns: true,
    nodes: [
      node('trigger', 'Deploy requested', 'Play', {
        type: 'SELF_SERVE_TRIGGER',
        userInputs: {
          properties: {
            service: {
              type: 'string',
              format: 'entity',
              blueprint: SERVICE_BLUEPRINT,
              title: 'Service',
            },
            version: { type: 'string', title: 'Version', pattern: '^\\d+\\.\\d+\\.\\d+$' },
            environment: { type: 'string', enum: [...DEMO_ENVIRONMENTS], title: 'Environment' },
          },
          required: ['service', 'version', 'environment'],
        },
      }),
      node(
        'build',
        'Build image',
        'Docker',
        webhook('POST', {
          service: '{{ .outputs.trigger.service }}',
          ref: 'v{{ .outputs.trigger.version }}',
        }),
      ),
      node('test', 'Run tests', 'Test', {
        type: 'INTEGRATION_ACTION',
        installationId: 'demo-github-ocean',
        integrationProvider: 'github-ocean',
        integrationInvocationType: 'dispatch_workflow',
        integrationActionExecutionProperties: {
          workflow: 'ci-tests.yml',
          workflowInputs: { image: '{{ .outputs.build.image }}' },
        },
      }),
      node(
        'deploy',
        'Roll out',
        'Kubernetes',
        webhook('POST', {
          image: '{{ .outputs.build.image }}',
          environment: '{{ .outputs.trigger.environment }}',
        }),
      ),
      node(
        'notify',
        'Notify #deploys',
        'Slack',
        webhook('POST', {
          text: 'Deployed {{ .outputs.trigger.service }} {{ .outputs.trigger.version }}: {{ .outputs.deploy.url }}',
        }),
        { onFailure: 'continue' },
      ),
    ],
    connections: chain('trigger', 'build', 'test', 'deploy', 'notify'),
  },
  profiles: {
    build: {
      theme: 'build',
      seconds: [60, 420],
      lines: [40, 160],
      failWeight: 3,
      output: ({ rng, vars }) => ({
        buildId: `bld_${rng.hex(10)}`,
        image: `registry.example.com/${vars.svc}:${vars.ver}`,
        digest: `sha256:${rng.hex(64)}`,
        sizeMb: rng.int(80, 900),
        url: `https://ci.example.com/builds/${rng.int(10000, 99999)}`,
      }),
    },
    test: {
      theme: 'test',
      seconds: [90, 600],
      lines: [60, 300],
      failWeight: 5,
      output: ({ rng }) => {
        const total = rng.int(300, 2400);
        return {
          passed: total,
          failed: 0,
          skipped: rng.int(0, 12),
          coverage: Math.round(rng.int(700, 950)) / 10,
          reportUrl: `https://ci.example.com/reports/${rng.hex(8)}`,
        };
      },
    },
    deploy: {
      theme: 'deploy',
      seconds: [45, 300],
      lines: [30, 120],
      failWeight: 3,
      output: ({ rng, vars }) => ({
        deploymentId: `dep_${rng.hex(10)}`,
        revision: rng.int(10, 900),
        replicas: rng.pick([2, 3, 4, 6]),
        url: `https://${vars.svc}.${vars.env}.example.com`,
      }),
    },
    notify: {
      theme: 'notify',
      seconds: [1, 4],
      lines: [3, 8],
      failWeight: 1,
      output: ({ rng }) => ({
        channel: '#deploys',
        messageTs: `1700${rng.int(100000, 999999)}.0001`,
      }),
    },
  },
  start: (rng) => {
    const service = rng.pick(DEMO_SERVICES);
    return {
      inputs: {
        service,
        version: semver(rng),
        environment: rng.chance(0.6) ? 'staging' : 'production',
      },
      entity: service,
    };
  },
  vars: (inputs) => ({
    svc: str(inputs.service, 'service'),
    ver: str(inputs.version, '1.0.0'),
    env: str(inputs.environment, 'staging'),
  }),
};

const provisionEnvironment: DemoWorkflow = {
  body: {
    identifier: 'provision-environment',
    title: 'Provision environment',
    icon: 'Cloud',
    description:
      'Creates the cloud resources and the DNS records of an environment in parallel, verifies it and registers it in the catalog.',
    category: 'Infrastructure',
    allowAnyoneToViewRuns: true,
    nodes: [
      node('trigger', 'Environment requested', 'Play', {
        type: 'SELF_SERVE_TRIGGER',
        userInputs: {
          properties: {
            name: { type: 'string', title: 'Name' },
            template: {
              type: 'string',
              enum: ['small', 'standard', 'performance'],
              title: 'Template',
            },
            region: {
              type: 'string',
              enum: ['eu-west-1', 'us-east-1', 'ap-southeast-2'],
              title: 'Region',
              default: 'eu-west-1',
            },
            ttlDays: { type: 'number', title: 'Time to live (days)', default: 7 },
          },
          required: ['name', 'template'],
        },
      }),
      node(
        'create_resource',
        'Create resources',
        'Terraform',
        webhook('POST', {
          workspace: 'env-{{ .outputs.trigger.name }}',
          variables: { template: '{{ .outputs.trigger.template }}' },
        }),
      ),
      node(
        'configure_dns',
        'Configure DNS',
        'Globe',
        webhook('PUT', {
          name: '{{ .outputs.trigger.name }}.example.com',
          type: 'A',
        }),
      ),
      node(
        'verify',
        'Verify environment',
        'Checklist',
        webhook('POST', {
          resourceId: '{{ .outputs.create_resource.resourceId }}',
          hostname: '{{ .outputs.configure_dns.hostname }}',
        }),
      ),
      node('register', 'Register in catalog', 'Catalog', {
        type: 'UPSERT_ENTITY',
        blueprintIdentifier: ENVIRONMENT_BLUEPRINT,
        mapping: {
          identifier: '{{ .outputs.trigger.name }}',
          properties: {
            region: '{{ .outputs.trigger.region }}',
            url: 'https://{{ .outputs.configure_dns.hostname }}',
          },
        },
      }),
    ],
    connections: [
      ...edges(['trigger'], ['create_resource', 'configure_dns']),
      ...edges(['create_resource', 'configure_dns'], ['verify']),
      ...chain('verify', 'register'),
    ],
  },
  profiles: {
    create_resource: {
      theme: 'resource',
      seconds: [180, 900],
      lines: [80, 400],
      failWeight: 4,
      output: ({ rng, inputs }) => ({
        resourceId: `env-${rng.hex(8)}`,
        cluster: `eks-${str(inputs.name, 'env')}`,
        vpcId: `vpc-${rng.hex(17)}`,
        databases: rng.int(1, 3),
        terraformRun: `https://app.terraform.io/app/acme/runs/run-${rng.hex(16)}`,
      }),
    },
    configure_dns: {
      theme: 'dns',
      seconds: [20, 120],
      lines: [10, 40],
      failWeight: 1,
      output: ({ rng, inputs }) => ({
        hostname: `${str(inputs.name, 'env')}.example.com`,
        recordId: `Z${rng.hex(12).toUpperCase()}`,
        certificateArn: `arn:aws:acm:eu-west-1:123456789012:certificate/${rng.hex(8)}`,
      }),
    },
    verify: {
      theme: 'verify',
      seconds: [30, 180],
      lines: [15, 60],
      failWeight: 2,
      output: ({ rng }) => ({
        checks: rng.int(8, 14),
        p95LatencyMs: rng.int(40, 400),
        healthy: true,
      }),
    },
    register: {
      theme: 'catalog',
      seconds: [1, 5],
      lines: [3, 10],
      failWeight: 0.5,
      output: ({ inputs }) => ({
        blueprint: ENVIRONMENT_BLUEPRINT,
        entity: str(inputs.name, 'env'),
        action: 'UPSERT',
      }),
    },
  },
  start: (rng) => {
    const roll = rng.next();
    const name =
      roll < 0.3 ? 'staging' : roll < 0.4 ? 'production' : `preview-pr-${rng.int(1200, 4800)}`;
    return {
      inputs: {
        name,
        template: rng.pick(['small', 'standard', 'performance']),
        region: rng.pick(['eu-west-1', 'eu-west-1', 'us-east-1', 'ap-southeast-2']),
        ttlDays: name.startsWith('preview') ? rng.int(1, 14) : 0,
      },
      entity: DEMO_ENVIRONMENTS.includes(name) ? name : null,
    };
  },
  vars: (inputs) => ({
    env: str(inputs.name, 'env'),
    region: str(inputs.region, 'eu-west-1'),
    blueprint: ENVIRONMENT_BLUEPRINT,
    entity: str(inputs.name, 'env'),
  }),
};

const SOURCES = ['orders', 'payments', 'customers', 'inventory', 'events'] as const;
const REFRESHES = [
  ['refresh_revenue_dashboard', 'Refresh revenue dashboard', 'Chart'],
  ['refresh_churn_model', 'Retrain churn model', 'Brain'],
  ['refresh_search_index', 'Rebuild search index', 'Search'],
  ['export_finance_report', 'Export finance report', 'File'],
] as const;

/** The node of the pipeline that writes the demo's huge log (it runs alone, after the fan-in). */
export const HUGE_LOG_NODE = 'load_warehouse';
/** The node of the pipeline whose output is the demo's big output. */
export const BIG_OUTPUT_NODE = 'snapshot_inventory';

const dataProfile = (
  table: string,
  seconds: [number, number],
  lines: [number, number],
  failWeight: number,
) => ({ theme: 'data', seconds, lines, failWeight, vars: { table } });

const nightlyPipeline: DemoWorkflow = {
  body: {
    identifier: 'nightly-data-pipeline',
    title: 'Nightly data pipeline',
    icon: 'Database',
    description:
      'Snapshots the cloud inventory, extracts and validates five sources in parallel, loads the warehouse and refreshes everything that reads from it.',
    category: 'Data',
    allowAnyoneToViewRuns: true,
    nodes: [
      node('trigger', 'Every night at 02:00 UTC', 'Clock', {
        type: 'EVENT_TRIGGER',
        event: { type: 'SCHEDULE', cron: '0 2 * * *' },
      }),
      node(
        BIG_OUTPUT_NODE,
        'Snapshot cloud inventory',
        'Cloud',
        webhook('POST', { scope: 'all-accounts' }),
      ),
      ...SOURCES.map((s) =>
        node(`extract_${s}`, `Extract ${s}`, 'Download', {
          type: 'KAFKA',
          topic: 'data-pipeline.extract',
          payload: { source: s, snapshot: `{{ .outputs.${BIG_OUTPUT_NODE}.snapshotId }}` },
        }),
      ),
      ...SOURCES.map((s) =>
        node(`validate_${s}`, `Validate ${s}`, 'Checklist', {
          type: 'KAFKA',
          topic: 'data-pipeline.validate',
          payload: { source: s, files: `{{ .outputs.extract_${s}.files }}` },
        }),
      ),
      node('transform_facts', 'Build fact tables', 'Transform', {
        type: 'KAFKA',
        topic: 'data-pipeline.transform',
      }),
      node(
        HUGE_LOG_NODE,
        'Load warehouse',
        'Database',
        webhook('POST', {
          facts: '{{ .outputs.transform_facts.tables }}',
        }),
      ),
      ...REFRESHES.map(([id, title, icon]) =>
        node(id, title, icon, { type: 'KAFKA', topic: `data-pipeline.${id}` }),
      ),
      node('publish_quality_report', 'Publish data quality report', 'Report', {
        type: 'UPSERT_ENTITY',
        blueprintIdentifier: 'data_quality_report',
        mapping: { identifier: 'nightly-warehouse', title: 'Nightly warehouse load' },
      }),
      node(
        'notify_data_team',
        'Notify #data-team',
        'Slack',
        webhook('POST', {
          text: 'Nightly pipeline done: {{ .outputs.load_warehouse.rowsLoaded }} rows loaded',
        }),
        { onFailure: 'continue' },
      ),
    ],
    connections: [
      ...chain('trigger', BIG_OUTPUT_NODE),
      ...edges(
        [BIG_OUTPUT_NODE],
        SOURCES.map((s) => `extract_${s}`),
      ),
      ...SOURCES.flatMap((s) => chain(`extract_${s}`, `validate_${s}`)),
      ...edges(
        SOURCES.map((s) => `validate_${s}`),
        ['transform_facts'],
      ),
      ...chain('transform_facts', HUGE_LOG_NODE),
      ...edges(
        [HUGE_LOG_NODE],
        REFRESHES.map(([id]) => id),
      ),
      ...edges(
        REFRESHES.map(([id]) => id),
        ['publish_quality_report'],
      ),
      ...chain('publish_quality_report', 'notify_data_team'),
    ],
  },
  profiles: {
    [BIG_OUTPUT_NODE]: {
      theme: 'generic',
      seconds: [20, 90],
      lines: [10, 40],
      failWeight: 0.5,
      output: ({ rng }) => ({
        snapshotId: `snap_${rng.hex(12)}`,
        resourceCount: rng.int(3800, 4600),
        accounts: 7,
      }),
    },
    ...Object.fromEntries(
      SOURCES.flatMap((s) => [
        [
          `extract_${s}`,
          {
            ...dataProfile(`raw_${s}`, [60, 600], [30, 150], 1),
            output: ({ rng }: OutputContext) => ({
              source: s,
              rows: rng.int(50_000, 9_000_000),
              files: rng.int(4, 120),
              location: `s3://lake/raw/${s}/`,
            }),
          },
        ],
        [
          `validate_${s}`,
          {
            ...dataProfile(`raw_${s}`, [20, 180], [20, 80], 1.5),
            // …and the payments feed is flaky: its validation fails now and then on its own.
            ...(s === 'payments' ? { flaky: 0.25 } : {}),
            output: ({ rng }: OutputContext) => ({
              source: s,
              checks: rng.int(12, 40),
              violations: 0,
              droppedRows: rng.int(0, 200),
            }),
          },
        ],
      ]),
    ),
    transform_facts: {
      // A narrow base range, so the night-by-night growth stands out from the noise.
      ...dataProfile('fact_orders', [600, 900], [80, 300], 2),
      // The trends tab's story: the fact tables grow and this step gets slower night after night.
      degrade: 4,
      output: ({ rng }) => ({
        tables: ['fact_orders', 'fact_payments', 'dim_customer', 'fact_inventory'],
        rows: rng.int(1_000_000, 40_000_000),
        sparkApp: `application_${rng.int(1_700_000_000, 1_800_000_000)}_${rng.int(1000, 9999)}`,
      }),
    },
    [HUGE_LOG_NODE]: {
      ...dataProfile('analytics.fact_payments', [600, 2400], [150, 600], 2),
      output: ({ rng }) => ({
        rowsLoaded: rng.int(5_000_000, 60_000_000),
        tables: 14,
        warehouse: 'snowflake://acme/ANALYTICS',
        queryId: rng.hex(16),
      }),
    },
    ...Object.fromEntries(
      REFRESHES.map(([id]) => [
        id,
        {
          ...dataProfile(id.replace(/^[a-z]+_/, ''), [30, 400], [15, 90], 1),
          output: ({ rng }: OutputContext) => ({
            refreshed: true,
            durationMs: rng.int(20_000, 400_000),
            url: `https://bi.example.com/${id.replace(/_/g, '-')}`,
          }),
        },
      ]),
    ),
    publish_quality_report: {
      theme: 'catalog',
      seconds: [2, 10],
      lines: [4, 12],
      failWeight: 0.5,
      output: ({ rng, at }) => ({
        entity: `nightly-${at.toISOString().slice(0, 10)}`,
        score: rng.int(90, 100),
      }),
    },
    notify_data_team: {
      theme: 'notify',
      seconds: [1, 4],
      lines: [2, 6],
      failWeight: 0.5,
      output: ({ rng }) => ({
        channel: '#data-team',
        messageTs: `1700${rng.int(100000, 999999)}.0002`,
      }),
    },
  },
  start: () => ({ inputs: { schedule: '0 2 * * *' }, entity: null }),
  vars: () => ({ table: 'warehouse', blueprint: 'data_quality_report', entity: 'nightly' }),
};

const rotateSecrets: DemoWorkflow = {
  body: {
    identifier: 'rotate-secrets',
    title: 'Rotate secrets',
    icon: 'Key',
    description:
      'Generates a new secret for a service, rolls its consumers and revokes the old one. Runs are visible to admins and to whoever started them.',
    category: 'Security',
    allowAnyoneToViewRuns: false,
    nodes: [
      node('trigger', 'Rotation requested', 'Play', {
        type: 'SELF_SERVE_TRIGGER',
        userInputs: {
          properties: {
            service: {
              type: 'string',
              format: 'entity',
              blueprint: SERVICE_BLUEPRINT,
              title: 'Service',
            },
            kind: {
              type: 'string',
              enum: ['database-password', 'api-key', 'tls-certificate'],
              title: 'Kind',
            },
            reason: { type: 'string', title: 'Reason' },
          },
          required: ['service', 'kind'],
        },
      }),
      node(
        'generate_secret',
        'Generate secret',
        'Key',
        webhook('POST', {
          path: 'secret/data/{{ .outputs.trigger.service }}/{{ .outputs.trigger.kind }}',
        }),
      ),
      node('update_consumers', 'Roll consumers', 'Refresh', {
        type: 'KAFKA',
        topic: 'secrets.rollout',
        payload: { version: '{{ .outputs.generate_secret.version }}' },
      }),
      node(
        'revoke_old',
        'Revoke old secret',
        'Lock',
        webhook('POST', {
          version: '{{ .outputs.generate_secret.previousVersion }}',
        }),
      ),
      node('record_rotation', 'Record rotation', 'Catalog', {
        type: 'UPSERT_ENTITY',
        blueprintIdentifier: SERVICE_BLUEPRINT,
        mapping: {
          identifier: '{{ .outputs.trigger.service }}',
          properties: { lastSecretVersion: '{{ .outputs.generate_secret.version }}' },
        },
      }),
    ],
    connections: chain(
      'trigger',
      'generate_secret',
      'update_consumers',
      'revoke_old',
      'record_rotation',
    ),
  },
  profiles: {
    generate_secret: {
      theme: 'secrets',
      seconds: [3, 20],
      lines: [5, 20],
      failWeight: 1,
      output: ({ rng }) => {
        const version = rng.int(2, 60);
        return { version, previousVersion: version - 1, leaseId: `lease-${rng.hex(12)}` };
      },
    },
    update_consumers: {
      theme: 'secrets',
      seconds: [60, 400],
      lines: [20, 90],
      failWeight: 2,
      output: ({ rng }) => ({ podsRolled: rng.int(2, 24), consumers: rng.int(1, 5) }),
    },
    revoke_old: {
      theme: 'secrets',
      seconds: [2, 15],
      lines: [4, 12],
      failWeight: 0.5,
      output: ({ rng }) => ({ revoked: true, revokedAt: `${rng.int(0, 23)}:00` }),
    },
    record_rotation: {
      theme: 'catalog',
      seconds: [1, 4],
      lines: [3, 8],
      failWeight: 0.3,
      output: ({ inputs }) => ({
        blueprint: SERVICE_BLUEPRINT,
        entity: str(inputs.service, 'service'),
      }),
    },
  },
  start: (rng) => {
    const service = rng.pick(DEMO_SERVICES);
    return {
      inputs: {
        service,
        kind: rng.pick(['database-password', 'api-key', 'tls-certificate']),
        reason: rng.pick([
          'Quarterly rotation',
          'Engineer offboarding',
          'Suspected leak in CI logs',
        ]),
      },
      entity: service,
    };
  },
  vars: (inputs) => ({
    svc: str(inputs.service, 'service'),
    kind: str(inputs.kind, 'api-key'),
    blueprint: SERVICE_BLUEPRINT,
    entity: str(inputs.service, 'service'),
  }),
};

export const DEMO_WORKFLOWS: readonly DemoWorkflow[] = [
  deployService,
  provisionEnvironment,
  nightlyPipeline,
  rotateSecrets,
];

export const demoWorkflow = (identifier: string) =>
  DEMO_WORKFLOWS.find((w) => w.body.identifier === identifier);

/** How a node that has no demo profile (a workflow someone else created) is played. */
export const FALLBACK_PROFILE: NodeProfile = {
  theme: 'generic',
  seconds: [5, 60],
  lines: [5, 30],
  failWeight: 1,
  output: ({ rng }) => ({ id: rng.hex(12), status: 'done' }),
};
