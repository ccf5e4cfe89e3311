import { rootRoute } from './__root';
import { actionRunRoute } from './action-run';
import { actionRunsRoute } from './action-runs';
import { auditLogRoute } from './audit-log';
import { authedRoute, indexRoute } from './_authed';
import { compareRoute } from './compare';
import { entitiesRoute } from './entities';
import { entityRoute } from './entity';
import { runRoute } from './run';
import { runsRoute } from './runs';
import { credentialsRoute, peopleRoute } from './settings';
import { signInRoute } from './sign-in';
import { workflowRoute } from './workflow';
import { workflowsRoute } from './workflows';

/** Every URL of the dashboard; app/router.ts builds the router from it. */
export const routeTree = rootRoute.addChildren([
  signInRoute,
  authedRoute.addChildren([
    indexRoute,
    workflowsRoute,
    workflowRoute,
    runRoute,
    runsRoute,
    compareRoute,
    actionRunsRoute,
    actionRunRoute,
    auditLogRoute,
    entitiesRoute,
    entityRoute,
    peopleRoute,
    credentialsRoute,
  ]),
]);
