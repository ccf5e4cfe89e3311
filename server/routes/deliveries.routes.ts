import { z } from 'zod';
import { actionRunPathId } from '../../contract/actions';
import { deliverySchema } from '../../contract/delivery';
import { pathIds } from '../../contract/workflows';
import { defineRoute, ok } from '../http/openapi';

export const retryNodeRunDelivery = defineRoute({
  method: 'post',
  path: '/workflows/nodes/runs/{wfnr}/retry-delivery',
  summary:
    "[ext] Make a node run's webhook delivery due now (admins): 409 while a server is sending it, 422 when nothing is owed or the node run ended",
  request: { params: z.object({ wfnr: pathIds.nodeRunId }) },
  responses: { 200: ok('The delivery, due now', { delivery: deliverySchema }) },
});

export const retryActionRunDelivery = defineRoute({
  method: 'post',
  path: '/actions/runs/{id}/retry-delivery',
  summary:
    "[ext] Make an action run's webhook delivery due now (admins): 409 while a server is sending it, 422 when nothing is owed or the run ended",
  request: { params: z.object({ id: actionRunPathId }) },
  responses: { 200: ok('The delivery, due now', { delivery: deliverySchema }) },
});
