import { z } from 'zod';
import { runResultSchema } from './workflows';

/**
 * [ext] How a workflow behaves over time: `GET /v1/workflows/{workflowId}/trends?from&to`.
 * Everything is computed in SQL over the runs the caller may view, created in [from, to).
 */
export const TREND_BUCKETS = ['hour', 'day'] as const;
export type TrendBucket = (typeof TREND_BUCKETS)[number];

/** At most this many runs come back as points (the newest of the range); aggregates use all. */
export const TREND_POINTS_MAX = 2000;

export const trendsQuerySchema = z.object({
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }).optional(),
  bucket: z.enum(TREND_BUCKETS).optional(),
});
export type TrendsQuery = z.infer<typeof trendsQuerySchema>;

const ms = z.number().nullable();

export const trendPointSchema = z.object({
  identifier: z.string(),
  createdAt: z.string(),
  /** null while the run is in progress. */
  durationMs: ms,
  result: runResultSchema.nullable(),
});

export const trendBucketSchema = z.object({
  start: z.string(),
  success: z.number(),
  failed: z.number(),
  cancelled: z.number(),
  inProgress: z.number(),
  p50Ms: ms,
  p95Ms: ms,
});

export const nodeTrendSchema = z.object({
  nodeIdentifier: z.string(),
  title: z.string().nullable(),
  /** Completed node runs (re-used ones left out: they did not run). */
  runs: z.number(),
  failures: z.number(),
  p50Ms: ms,
  p95Ms: ms,
  /** Median of the first and the second half of the range: a rising pair is a slowing node. */
  firstHalfP50Ms: ms,
  secondHalfP50Ms: ms,
});
export type NodeTrend = z.infer<typeof nodeTrendSchema>;

export const workflowTrendsSchema = z.object({
  workflowIdentifier: z.string(),
  from: z.string(),
  to: z.string(),
  bucket: z.enum(TREND_BUCKETS),
  summary: z.object({
    runs: z.number(),
    success: z.number(),
    failed: z.number(),
    cancelled: z.number(),
    inProgress: z.number(),
    /** success / completed runs, null without completed runs. */
    successRate: z.number().nullable(),
    p50Ms: ms,
    p95Ms: ms,
  }),
  points: z.array(trendPointSchema),
  pointsTruncated: z.boolean(),
  buckets: z.array(trendBucketSchema),
  nodes: z.array(nodeTrendSchema),
});
export type WorkflowTrends = z.infer<typeof workflowTrendsSchema>;
export type TrendPoint = z.infer<typeof trendPointSchema>;
export type TrendBucketRow = z.infer<typeof trendBucketSchema>;
