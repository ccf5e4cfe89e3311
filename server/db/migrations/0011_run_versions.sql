ALTER TABLE "node_runs" ADD COLUMN "version" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "workflow_runs" ADD COLUMN "version" bigint DEFAULT 0 NOT NULL;