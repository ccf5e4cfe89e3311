ALTER TABLE "action_runs" ADD COLUMN "installation_id" text;--> statement-breakpoint
ALTER TABLE "action_runs" ADD COLUMN "acknowledged_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "node_runs" ADD COLUMN "installation_id" text;--> statement-breakpoint
ALTER TABLE "node_runs" ADD COLUMN "config" jsonb;--> statement-breakpoint
ALTER TABLE "node_runs" ADD COLUMN "acknowledged_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "node_runs" ADD COLUMN "external_run_id" text;--> statement-breakpoint
ALTER TABLE "node_runs" ADD COLUMN "links" jsonb;--> statement-breakpoint
ALTER TABLE "work_items" ADD COLUMN "installation_id" text;--> statement-breakpoint
ALTER TABLE "work_items" ADD COLUMN "exclusion_key" text;--> statement-breakpoint
CREATE INDEX "node_runs_external_idx" ON "node_runs" USING btree ("external_run_id");--> statement-breakpoint
CREATE INDEX "work_items_agent_idx" ON "work_items" USING btree ("kind","installation_id","created_at") WHERE state IN ('queued', 'claimed');