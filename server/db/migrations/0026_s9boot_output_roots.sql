CREATE TABLE "node_run_output_roots" (
	"node_run_identifier" text PRIMARY KEY NOT NULL,
	"root" jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "node_run_output_roots" ADD CONSTRAINT "node_run_output_roots_node_run_identifier_node_runs_identifier_fk" FOREIGN KEY ("node_run_identifier") REFERENCES "public"."node_runs"("identifier") ON DELETE cascade ON UPDATE no action;