/**
 * Import direction (bulletproof-react's rule, see ../shared/conventions.md) and cycles, checked on
 * resolved paths by `npm run lint`. contract/ stands alone; the SPA and the server never import
 * each other; a feature imports shared code (components/, lib/), never another feature; shared
 * code imports no feature or route; nothing below app/ imports it (main.tsx → app → routes →
 * features → shared).
 */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'contract-stands-alone',
      comment: 'contract/ is imported by both sides and imports neither',
      severity: 'error',
      from: { path: '^contract/' },
      to: { path: '^(server|src)/' },
    },
    {
      name: 'spa-not-server',
      comment: 'the SPA talks to the server over HTTP only',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^server/' },
    },
    {
      name: 'server-not-spa',
      severity: 'error',
      from: { path: '^server/' },
      to: { path: '^src/' },
    },
    {
      name: 'feature-isolation',
      comment: 'a feature imports shared code (components/, lib/), not another feature',
      severity: 'error',
      from: { path: '^src/features/([^/]+)/' },
      to: { path: '^src/features/', pathNot: '^src/features/$1/' },
    },
    {
      name: 'shared-not-features',
      comment: 'shared code does not import features or routes',
      severity: 'error',
      from: { path: '^src/(components|lib)/' },
      to: { path: '^src/(features|routes)/' },
    },
    {
      name: 'server-lower-layers-not-upper',
      comment:
        'server layers: routes → services → db/domain. db/ (queries) and domain/ (rules) never reach up',
      severity: 'error',
      from: { path: '^server/(db|domain)/' },
      to: { path: '^server/(services|routes|http|backends|simulator|seed)/' },
    },
    {
      name: 'domain-is-pure',
      comment: 'domain/ holds the rules: no SQL, no use cases',
      severity: 'error',
      from: { path: '^server/domain/' },
      to: { path: '^server/db/' },
    },
    {
      name: 'services-not-callers',
      comment:
        'services are called by routes, backends, the simulator and the seed, never the reverse',
      severity: 'error',
      from: { path: '^server/services/' },
      to: { path: '^server/(routes|http|backends|simulator|seed)/' },
    },
    {
      name: 'routes-call-services',
      comment:
        'a route validates and calls one service; only the Db type may come from db/ (tests may seed)',
      severity: 'error',
      from: { path: '^server/routes/', pathNot: '\\.(test|fixtures)\\.ts$' },
      to: { path: '^server/db/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'callers-use-services-for-run-writes',
      comment:
        'backends, the simulator and the seed change runs and entities through services/, not the run queries',
      severity: 'error',
      from: { path: '^server/(backends|simulator|seed)/', pathNot: '\\.test\\.ts$' },
      to: {
        path: '^server/db/(workflow-runs|action-runs|entities|run-controls)\\.ts$',
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'layers-point-down',
      comment:
        'main.tsx/app → routes → features → components/lib: app builds the router from routes/tree.ts, and nothing below imports app/ or main.tsx',
      severity: 'error',
      from: { path: '^src/(routes|features|components|lib)/' },
      to: { path: '^src/(app/|main\\.tsx$)' },
    },
    {
      name: 'features-not-routes',
      comment: 'routes compose features, never the other way',
      severity: 'error',
      from: { path: '^src/features/' },
      to: { path: '^src/routes/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|data)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'] },
  },
};
