import type { ActionRunV2 } from '../contract/actions';
import type { ActionsSeedApi } from './seed-actions';

/** An action run as the server has it now (v2). */
export async function actionRun(api: ActionsSeedApi, id: string): Promise<ActionRunV2> {
  const res = await api.request<{ run: ActionRunV2 }>('GET', `/actions/runs/${id}?version=v2`);
  return res.body.run;
}
