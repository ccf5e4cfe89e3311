import type { Db } from '../db/client';
import { apiRoutes } from '../http/openapi';
import {
  retryActionRunDelivery,
  retryNodeRunDelivery,
  type DeliveryPolicy,
} from '../services/delivery';
import * as routes from './deliveries.routes';

/** "Retry delivery now" for node runs and action runs; mounted at /v1. */
export function deliveryRoutes(db: Db, clock: () => Date, policy: DeliveryPolicy) {
  return apiRoutes()
    .openapi(routes.retryNodeRunDelivery, async (c) => {
      const { wfnr } = c.req.valid('param');
      const delivery = await retryNodeRunDelivery(db, wfnr, c.get('actor'), clock(), policy);
      return c.json({ ok: true, delivery });
    })
    .openapi(routes.retryActionRunDelivery, async (c) => {
      const { id } = c.req.valid('param');
      const delivery = await retryActionRunDelivery(db, id, c.get('actor'), clock(), policy);
      return c.json({ ok: true, delivery });
    });
}
