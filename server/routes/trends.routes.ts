import { z } from 'zod';
import { identifierSchema } from '../../contract/common';
import { trendsQuerySchema, workflowTrendsSchema } from '../../contract/trends';
import { defineRoute, ok } from '../http/openapi';

export const getWorkflowTrends = defineRoute({
  method: 'get',
  path: '/{workflowId}/trends',
  summary: '[ext] Run durations, results per bucket and per-node figures of a workflow over time',
  request: { params: z.object({ workflowId: identifierSchema }), query: trendsQuerySchema },
  responses: { 200: ok('The trends', { trends: workflowTrendsSchema }) },
});
