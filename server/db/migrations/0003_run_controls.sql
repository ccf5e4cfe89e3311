ALTER TABLE "node_runs" ADD COLUMN "reused_from" text;--> statement-breakpoint
CREATE INDEX "workflow_runs_rerun_of_idx" ON "workflow_runs" USING btree ("rerun_of");