import { z } from 'zod';
import {
  downloadTicketBodySchema,
  downloadTicketSchema,
  logDownloadQuerySchema,
} from '../../contract/log-text';
import { pathIds } from '../../contract/workflows';
import { actionRunId } from '../../contract/common';
import { defineRoute, jsonBody, response } from '../http/openapi';

const textFile = {
  description:
    'The log as text, one line each (`seq  time  LEVEL  [node]  message  tags`, colour codes removed), streamed',
  content: { 'text/plain': { schema: z.string() } },
};

const query = logDownloadQuerySchema;

export const downloadNodeRunLogs = defineRoute({
  method: 'get',
  path: '/workflows/nodes/runs/{wfnr}/logs/download',
  summary: "[ext] Download a node run's log (all lines, or those at `level` matching `q`)",
  request: { params: z.object({ wfnr: pathIds.nodeRunId }), query },
  responses: { 200: textFile },
});

export const downloadRunLogs = defineRoute({
  method: 'get',
  path: '/workflows/runs/{wfr}/logs/download',
  summary: "[ext] Download a run's log: every node run's lines in order, each naming its node",
  request: { params: z.object({ wfr: pathIds.workflowRunId }), query },
  responses: { 200: textFile },
});

export const downloadActionRunLogs = defineRoute({
  method: 'get',
  path: '/actions/runs/{id}/logs/download',
  summary: "[ext] Download an action run's log (all lines, or those at `level` matching `q`)",
  request: { params: z.object({ id: actionRunId }), query },
  responses: { 200: textFile },
});

export const createDownloadTicket = defineRoute({
  method: 'post',
  path: '/downloads/tickets',
  summary:
    '[ext] A ticket for one log download path, valid for a minute, for a link opened without the token (`?ticket=`)',
  request: { body: jsonBody(downloadTicketBodySchema) },
  responses: { 201: response('The ticket', downloadTicketSchema) },
});
