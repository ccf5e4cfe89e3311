CREATE TABLE "settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "action_runs" ADD COLUMN "dispatched_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "node_runs" ADD COLUMN "dispatched_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "action_runs_undispatched_idx" ON "action_runs" USING btree ("created_at") WHERE status = 'IN_PROGRESS' AND dispatched_at IS NULL;--> statement-breakpoint
CREATE INDEX "node_runs_undispatched_idx" ON "node_runs" USING btree ("ord") WHERE status = 'IN_PROGRESS' AND dispatched_at IS NULL;--> statement-breakpoint
-- Runs already going were started when nothing invoked backends; their backends still drive them.
UPDATE "node_runs" SET "dispatched_at" = now() WHERE "status" = 'IN_PROGRESS';--> statement-breakpoint
UPDATE "action_runs" SET "dispatched_at" = now() WHERE "status" = 'IN_PROGRESS';--> statement-breakpoint
-- Earlier demo seeds named made-up hosts that were never called; now a url is called, so drop them.
UPDATE "workflows" SET "nodes" = (
  SELECT jsonb_agg(CASE WHEN n->'config'->>'url' ~ '^https?://([^/:]*\.)?(example\.com|runboard\.dev|slack\.com)([/:]|$)'
    THEN jsonb_set(n, '{config}', (n->'config') - 'url') ELSE n END ORDER BY i)
  FROM jsonb_array_elements("nodes") WITH ORDINALITY AS e(n, i)
) WHERE jsonb_typeof("nodes") = 'array' AND jsonb_array_length("nodes") > 0;--> statement-breakpoint
UPDATE "workflow_versions" SET "nodes" = (
  SELECT jsonb_agg(CASE WHEN n->'config'->>'url' ~ '^https?://([^/:]*\.)?(example\.com|runboard\.dev|slack\.com)([/:]|$)'
    THEN jsonb_set(n, '{config}', (n->'config') - 'url') ELSE n END ORDER BY i)
  FROM jsonb_array_elements("nodes") WITH ORDINALITY AS e(n, i)
) WHERE jsonb_typeof("nodes") = 'array' AND jsonb_array_length("nodes") > 0;--> statement-breakpoint
UPDATE "actions" SET "invocation_method" = "invocation_method" - 'url'
  WHERE "invocation_method"->>'url' ~ '^https?://([^/:]*\.)?(example\.com|runboard\.dev|slack\.com)([/:]|$)';
