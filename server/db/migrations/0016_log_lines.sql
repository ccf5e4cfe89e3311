CREATE TABLE "node_run_lines" (
	"node_key" integer NOT NULL,
	"seq" integer NOT NULL,
	"run_key" integer NOT NULL,
	"run_seq" integer NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"id" bigserial NOT NULL,
	"level" text NOT NULL,
	"message" text NOT NULL,
	"tags" jsonb,
	CONSTRAINT "node_run_lines_node_key_seq_pk" PRIMARY KEY("node_key","seq")
);
--> statement-breakpoint
ALTER TABLE "node_runs" ADD COLUMN "log_key" serial NOT NULL;--> statement-breakpoint
ALTER TABLE "workflow_runs" ADD COLUMN "log_key" serial NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "node_run_lines_run_seq_idx" ON "node_run_lines" USING btree ("run_key","run_seq");--> statement-breakpoint
CREATE INDEX "node_run_lines_level_idx" ON "node_run_lines" USING btree ("node_key","level","seq") WHERE level IN ('WARN', 'ERROR');--> statement-breakpoint
CREATE INDEX "node_run_lines_run_level_idx" ON "node_run_lines" USING btree ("run_key","level","run_seq") WHERE level IN ('WARN', 'ERROR');--> statement-breakpoint
ALTER TABLE "node_runs" ADD CONSTRAINT "node_runs_log_key_unique" UNIQUE("log_key");--> statement-breakpoint
ALTER TABLE "workflow_runs" ADD CONSTRAINT "workflow_runs_log_key_unique" UNIQUE("log_key");