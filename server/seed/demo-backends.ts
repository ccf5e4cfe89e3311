import { eq } from 'drizzle-orm';
import { actionBodySchema, blueprintBodySchema } from '../../contract/actions';
import { workflowBodySchema } from '../../contract/workflows';
import type { Db } from '../db/client';
import { actions, blueprints, workflows } from '../db/schema';
import type { Actor } from '../domain/permissions';
import { createAction, createBlueprint, createWorkflow } from '../services/definitions';
import { ADMIN_ID } from './users';

export const ECHO_WORKFLOW = 'echo-roundtrip';
export const ECHO_ACTION = 'echo_service';
export const ECHO_BLUEPRINT = 'echo_message';
/** The nightly pipeline's UPSERT_ENTITY node writes here. */
const QUALITY_REPORT_BLUEPRINT = 'data_quality_report';

const admin: Actor = { id: ADMIN_ID, email: 'admin@runboard.dev', role: 'admin' };

/**
 * A workflow and an action whose webhooks go to the echo backend this server hosts
 * (`/demo-backend/...` on `baseUrl`), so the whole backend loop works with no other service.
 * Adds only what is missing, so a restart (or an older data dir) keeps what is there.
 */
export function demoBackendDefinitions(baseUrl: string) {
  const echo = `${baseUrl}/demo-backend/echo`;
  const later = `${baseUrl}/demo-backend/async`;
  const blueprintBodies = [
    blueprintBodySchema.parse({
      identifier: ECHO_BLUEPRINT,
      title: 'Echo message',
      icon: 'Message',
      schema: { properties: { message: { type: 'string', title: 'Message' } } },
    }),
    blueprintBodySchema.parse({
      identifier: QUALITY_REPORT_BLUEPRINT,
      title: 'Data quality report',
      icon: 'Report',
    }),
  ];
  const workflow = workflowBodySchema.parse({
    identifier: ECHO_WORKFLOW,
    title: 'Echo round trip',
    icon: 'Webhook',
    category: 'Backends',
    description:
      'Calls the echo backend this server hosts: a synchronized webhook, an entity upsert from its answer, then an asynchronous webhook whose backend reports back through the runs API.',
    nodes: [
      {
        identifier: 'trigger',
        title: 'Message sent',
        icon: 'Play',
        config: {
          type: 'SELF_SERVE_TRIGGER',
          userInputs: {
            properties: { message: { type: 'string', title: 'Message', default: 'hello' } },
            required: ['message'],
          },
        },
      },
      {
        identifier: 'echo',
        title: 'Echo (synchronized)',
        icon: 'Webhook',
        config: {
          type: 'WEBHOOK',
          url: echo,
          method: 'POST',
          synchronized: true,
          body: { message: '{{ .inputs.message }}' },
        },
      },
      {
        identifier: 'record',
        title: 'Record the echo',
        icon: 'Catalog',
        config: {
          type: 'UPSERT_ENTITY',
          blueprintIdentifier: ECHO_BLUEPRINT,
          mapping: {
            identifier: 'latest-echo',
            title: 'Latest echo',
            properties: { message: '{{ .outputs.echo.echo.message }}' },
          },
        },
      },
      {
        identifier: 'callback',
        title: 'Echo (asynchronous)',
        icon: 'Webhook',
        config: {
          type: 'WEBHOOK',
          url: later,
          method: 'POST',
          synchronized: false,
          body: { message: '{{ .outputs.record.properties.message }}' },
        },
      },
    ],
    connections: [
      { sourceIdentifier: 'trigger', targetIdentifier: 'echo' },
      { sourceIdentifier: 'echo', targetIdentifier: 'record' },
      { sourceIdentifier: 'record', targetIdentifier: 'callback' },
    ],
  });
  const action = actionBodySchema.parse({
    identifier: ECHO_ACTION,
    title: 'Echo through the demo backend',
    icon: 'Webhook',
    description:
      'Sends the run to the echo backend, which reports back through the action-run API.',
    blueprint: ECHO_BLUEPRINT,
    trigger: {
      operation: 'CREATE',
      userInputs: { properties: { message: { type: 'string', title: 'Message' } } },
    },
    invocationMethod: { type: 'WEBHOOK', url: later, synchronized: false },
  });
  return { blueprintBodies, workflow, action };
}

export async function seedDemoBackends(db: Db, options: { baseUrl: string; now: Date }) {
  const { blueprintBodies, workflow, action } = demoBackendDefinitions(options.baseUrl);
  const added: string[] = [];
  for (const body of blueprintBodies) {
    const [found] = await db
      .select({ id: blueprints.identifier })
      .from(blueprints)
      .where(eq(blueprints.identifier, body.identifier));
    if (!found) {
      await createBlueprint(db, body, admin, options.now);
      added.push(`blueprint ${body.identifier}`);
    }
  }
  const [wf] = await db
    .select({ id: workflows.identifier })
    .from(workflows)
    .where(eq(workflows.identifier, workflow.identifier));
  if (!wf) {
    await createWorkflow(db, workflow, admin, options.now);
    added.push(`workflow ${workflow.identifier}`);
  }
  const [act] = await db
    .select({ id: actions.identifier })
    .from(actions)
    .where(eq(actions.identifier, action.identifier));
  if (!act) {
    await createAction(db, action, admin, options.now);
    added.push(`action ${action.identifier}`);
  }
  return added;
}
