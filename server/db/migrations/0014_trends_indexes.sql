CREATE TABLE "node_run_durations" (
	"node_run_identifier" text PRIMARY KEY NOT NULL,
	"workflow_identifier" text NOT NULL,
	"run_created_at" timestamp with time zone NOT NULL,
	"node_identifier" text NOT NULL,
	"node_title" text,
	"duration_ms" double precision,
	"failed" boolean NOT NULL,
	"allow_anyone_to_view" boolean NOT NULL,
	"created_by" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "workflow_runs" ADD COLUMN "duration_ms" double precision GENERATED ALWAYS AS ((extract(epoch FROM completed_at - created_at) * 1000)::float8) STORED;--> statement-breakpoint
ALTER TABLE "node_run_durations" ADD CONSTRAINT "node_run_durations_node_run_identifier_node_runs_identifier_fk" FOREIGN KEY ("node_run_identifier") REFERENCES "public"."node_runs"("identifier") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "node_run_durations_trends_idx" ON "node_run_durations" USING btree ("workflow_identifier","node_identifier","run_created_at","duration_ms","failed","allow_anyone_to_view","created_by");--> statement-breakpoint
CREATE INDEX "workflow_runs_trends_idx" ON "workflow_runs" USING btree ("workflow_identifier","created_at","identifier","status","result","duration_ms","allow_anyone_to_view","created_by");