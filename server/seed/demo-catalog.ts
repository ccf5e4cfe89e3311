/**
 * The demo organization's software catalog, as data. Workflow runs refer to these entities by
 * identifier; the blueprint/entity seed creates the same entities so the references resolve.
 */
export interface DemoEntity {
  identifier: string;
  title: string;
  properties: Record<string, unknown>;
}

export interface DemoBlueprint {
  identifier: string;
  title: string;
  icon: string;
  entities: DemoEntity[];
}

export const SERVICE_BLUEPRINT = 'service';
export const ENVIRONMENT_BLUEPRINT = 'environment';

export const DEMO_CATALOG: readonly DemoBlueprint[] = [
  {
    identifier: SERVICE_BLUEPRINT,
    title: 'Service',
    icon: 'Microservice',
    entities: [
      {
        identifier: 'payments-api',
        title: 'Payments API',
        properties: { language: 'Go', tier: 'critical', owner: 'team-payments', port: 8443 },
      },
      {
        identifier: 'checkout-web',
        title: 'Checkout Web',
        properties: {
          language: 'TypeScript',
          tier: 'critical',
          owner: 'team-checkout',
          port: 3000,
        },
      },
      {
        identifier: 'search-service',
        title: 'Search Service',
        properties: { language: 'Java', tier: 'high', owner: 'team-discovery', port: 9200 },
      },
      {
        identifier: 'auth-service',
        title: 'Auth Service',
        properties: { language: 'Go', tier: 'critical', owner: 'team-identity', port: 8080 },
      },
      {
        identifier: 'notifications-worker',
        title: 'Notifications Worker',
        properties: { language: 'Python', tier: 'medium', owner: 'team-messaging', port: 9090 },
      },
    ],
  },
  {
    identifier: ENVIRONMENT_BLUEPRINT,
    title: 'Environment',
    icon: 'Environment',
    entities: [
      {
        identifier: 'production',
        title: 'Production',
        properties: { cloud: 'aws', region: 'eu-west-1', ttlDays: null },
      },
      {
        identifier: 'staging',
        title: 'Staging',
        properties: { cloud: 'aws', region: 'eu-west-1', ttlDays: 30 },
      },
    ],
  },
];

const entitiesOf = (blueprint: string) =>
  DEMO_CATALOG.find((b) => b.identifier === blueprint)?.entities.map((e) => e.identifier) ?? [];

export const DEMO_SERVICES: readonly string[] = entitiesOf(SERVICE_BLUEPRINT);
export const DEMO_ENVIRONMENTS: readonly string[] = entitiesOf(ENVIRONMENT_BLUEPRINT);
