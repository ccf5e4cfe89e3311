import type { LogLevel } from '../../contract/workflows';

/** A small seeded PRNG (mulberry32): the demo history comes out the same on every machine. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  hex(length: number): string {
    let out = '';
    while (out.length < length) out += Math.floor(this.next() * 16).toString(16);
    return out;
  }
}

export interface LogTheme {
  debug: readonly string[];
  info: readonly string[];
  warn: readonly string[];
  error: readonly string[];
}

/** What a message template may mention; `{n}`, `{ms}`, `{hash}`… are drawn at random. */
export type LogVars = Record<string, string>;

export interface LogLineDraft {
  level: LogLevel;
  message: string;
  tags?: Record<string, string>;
}

const RANDOM_VARS: Record<string, (rng: Rng) => string> = {
  n: (rng) => String(rng.int(2, 480)),
  n2: (rng) => String(rng.int(1, 12)),
  big: (rng) => rng.int(10_000, 9_000_000).toLocaleString('en-US'),
  ms: (rng) => String(rng.int(3, 2400)),
  pct: (rng) => String(rng.int(1, 100)),
  hash: (rng) => rng.hex(12),
  sha: (rng) => rng.hex(64),
  host: (rng) => `ip-10-0-${rng.int(1, 40)}-${rng.int(2, 250)}`,
  pod: (rng) => `${rng.hex(5)}-${rng.hex(5)}`,
  port: (rng) => String(rng.int(30000, 32767)),
};

export function renderMessage(template: string, vars: LogVars, rng: Rng): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const fixed = vars[name];
    if (fixed !== undefined) return fixed;
    const random = RANDOM_VARS[name];
    return random ? random(rng) : whole;
  });
}

/** One line of ordinary progress: mostly INFO and DEBUG, now and then a WARN. */
export function progressLine(
  theme: LogTheme,
  vars: LogVars,
  rng: Rng,
  tagKey?: string,
): LogLineDraft {
  const roll = rng.next();
  const level: LogLevel = roll < 0.34 ? 'DEBUG' : roll < 0.93 ? 'INFO' : 'WARN';
  const templates = level === 'DEBUG' ? theme.debug : level === 'INFO' ? theme.info : theme.warn;
  const line: LogLineDraft = { level, message: renderMessage(rng.pick(templates), vars, rng) };
  if (tagKey && rng.chance(0.25)) {
    line.tags = { step: tagKey, runner: `runner-${rng.int(1, 9)}` };
  }
  return line;
}

/** The lines a node writes when it gives up. */
export function failureLines(theme: LogTheme, vars: LogVars, rng: Rng): LogLineDraft[] {
  const count = rng.int(2, 4);
  const lines: LogLineDraft[] = [];
  for (let i = 0; i < count; i++) {
    lines.push({ level: 'ERROR', message: renderMessage(rng.pick(theme.error), vars, rng) });
  }
  lines.push({ level: 'ERROR', message: 'Step failed; marking the node run FAILED' });
  return lines;
}

export const cancellationLines = (): LogLineDraft[] => [
  { level: 'WARN', message: 'Received a cancellation request; stopping after the current step' },
  { level: 'INFO', message: 'Cleaned up temporary resources' },
];

const GENERIC: LogTheme = {
  debug: [
    'HTTP request took {ms} ms (status 200)',
    'retry budget: 3 attempts left',
    'resolved {host} for upstream call',
    'cache lookup key={hash} hit=true',
  ],
  info: ['Step {n2}/12 done', 'Waiting for the upstream to acknowledge', 'Progress: {pct}%'],
  warn: [
    'Upstream answered 429; backing off {ms} ms',
    'Slow response from {host} ({ms} ms)',
    'Deprecated field "region" in request body; use "location"',
  ],
  error: [
    'Request to {host} failed: connect ECONNREFUSED 10.0.3.17:443',
    'Upstream answered 503 Service Unavailable after 3 attempts',
    'Timed out after 300 s waiting for a response',
  ],
};

export const THEMES: Record<string, LogTheme> = {
  generic: GENERIC,
  build: {
    debug: [
      'cache hit for layer sha256:{sha}',
      'docker buildx: #{n2} [builder {n2}/9] RUN npm ci --omit=dev',
      'resolved base image node:20-alpine@sha256:{sha}',
      'go: downloading github.com/{svc}/internal v0.{n2}.{n}',
    ],
    info: [
      'Building {svc}@{ver} for linux/amd64',
      'Step {n2}/14 : COPY . /app',
      'Compiled {n} packages in {ms} ms',
      'Pushed registry.example.com/{svc}:{ver} (digest sha256:{hash})',
      'Layer {hash} pushed ({n} MB)',
    ],
    warn: [
      'npm WARN deprecated request@2.88.2: request has been deprecated',
      'Build cache miss for stage "deps"; this build will be slower',
      'Image size grew by {n} MB since the previous build',
    ],
    error: [
      'error TS2339: Property "amountCents" does not exist on type "Invoice"',
      'failed to solve: process "/bin/sh -c npm ci" did not complete successfully: exit code 1',
      'go build: cannot find package "github.com/{svc}/internal/ledger"',
    ],
  },
  test: {
    debug: [
      'jest worker {n2} picked up {n} tests',
      'test database {svc}_test_{hash} created',
      'seeded {n} fixtures in {ms} ms',
    ],
    info: [
      'PASS src/{svc}/handlers.test.ts ({ms} ms)',
      'Running {n} tests across 4 workers',
      'Coverage: {pct}% statements',
      'Tests: {n} passed, {n} total',
    ],
    warn: [
      'Test "retries a timed out charge" took {ms} ms (slow threshold 1000 ms)',
      'Flaky test quarantined: checkout.spec.ts > applies coupon',
    ],
    error: [
      'FAIL src/{svc}/ledger.test.ts: expected 1200 to equal 1250',
      'Tests: {n2} failed, {n} passed, {n} total',
      'AssertionError: expected status 200, received 500',
    ],
  },
  deploy: {
    debug: [
      'kubectl apply -f manifests/{svc}/deployment.yaml',
      'pod {svc}-{pod} readiness probe passed',
      'rollout revision {n} annotated with {ver}',
    ],
    info: [
      'Deploying {svc}@{ver} to {env}',
      'Rolling update: {n2}/6 replicas updated',
      'Waiting for deployment "{svc}" rollout to finish',
      'Traffic shifted to the new revision ({pct}%)',
    ],
    warn: [
      'Pod {svc}-{pod} restarted once (OOMKilled); memory limit 512Mi',
      'Canary error rate {n2}.0% is above the 1% guideline',
    ],
    error: [
      'deployment "{svc}" exceeded its progress deadline',
      'Readiness probe failed: HTTP probe failed with statuscode: 503',
      'Rolled back to the previous revision',
    ],
  },
  notify: {
    debug: ['POST https://hooks.slack.com/services/T0/B0/{hash} -> 200', 'payload {n} bytes'],
    info: ['Posted to #deploys', 'Notified {n2} subscribers', 'Message ts=1700{n}.000{n}'],
    warn: ['Slack rate limited the request; retried once'],
    error: ['Slack answered 404 channel_not_found', 'Webhook token expired'],
  },
  resource: {
    debug: [
      'terraform: aws_db_instance.main: Still creating... [{n}s elapsed]',
      'terraform: module.vpc.aws_subnet.private[{n2}]: Refreshing state',
      'provider registry.terraform.io/hashicorp/aws v5.{n2}.0',
    ],
    info: [
      'Plan: {n2} to add, 0 to change, 0 to destroy',
      'aws_eks_node_group.default: Creation complete after {n}s',
      'Apply complete! Resources: {n2} added, 0 changed, 0 destroyed',
      'Workspace {env} locked by run-{hash}',
    ],
    warn: [
      'Warning: Argument is deprecated (use "vpc_security_group_ids")',
      'Quota for m6i.large in {region} is at {pct}%',
    ],
    error: [
      'Error: creating EKS Node Group: ResourceLimitExceeded',
      'Error: error waiting for RDS instance: timeout while waiting for state "available"',
    ],
  },
  dns: {
    debug: ['route53: GetChange {hash} -> INSYNC', 'TTL 60 for {env}.example.com'],
    info: [
      'Upserting A record {env}.example.com',
      'Certificate requested for *.{env}.example.com',
      'DNS propagated to {n2}/4 resolvers',
    ],
    warn: ['CAA record missing; certificate issuance may be slower'],
    error: ['route53: InvalidChangeBatch: record already exists', 'ACME challenge failed'],
  },
  verify: {
    debug: ['GET /healthz -> 200 in {ms} ms', 'probe {n2}/10 ok'],
    info: ['Smoke test "login" passed', 'All {n2} health checks green', 'p95 latency {ms} ms'],
    warn: ['Health check flapped once before settling'],
    error: ['GET /healthz -> 502 Bad Gateway', 'Smoke test "checkout" failed: timeout'],
  },
  data: {
    debug: [
      'COPY {table} batch {n} ({big} rows)',
      'spark executor {n2} finished task {n} in {ms} ms',
      'partition dt=2026-11-{n2} scanned',
      'query plan cost={big}',
    ],
    info: [
      'Extracted {big} rows from {table}',
      'Wrote {n} parquet files to s3://lake/{table}/',
      'Validated {big} rows of {table}: 0 violations',
      'Merged {big} rows into warehouse.{table}',
    ],
    warn: [
      '{n} rows of {table} had a null customer_id; dropped',
      'Schema drift on {table}: new column "channel" ignored',
      'Source replica lag is {n} s',
    ],
    error: [
      'Snowflake: SQL compilation error: invalid identifier "AMOUNT_EUR"',
      'Row count check failed for {table}: expected > 0, got 0',
      'java.lang.OutOfMemoryError: GC overhead limit exceeded',
    ],
  },
  secrets: {
    debug: ['vault: PUT secret/data/{svc}/{kind} version {n}', 'lease {hash} renewed'],
    info: [
      'Generated a new {kind} for {svc}',
      'Rolled {n2} pods of {svc} to pick up the new secret',
      'Old {kind} revoked',
    ],
    warn: ['Consumer {svc}-{pod} still used the old {kind} {n} s after rotation'],
    error: [
      'vault: permission denied on secret/data/{svc}/{kind}',
      'Consumer did not acknowledge the new secret within 120 s',
    ],
  },
  catalog: {
    debug: ['PATCH /v1/blueprints/{blueprint}/entities/{entity}', 'diff: {n2} properties changed'],
    info: ['Upserted entity {entity} of blueprint {blueprint}', 'Catalog is up to date'],
    warn: ['Property "owner" unset; kept the previous value'],
    error: ['Entity {entity} failed schema validation: "tier" must be one of [...]'],
  },
};
