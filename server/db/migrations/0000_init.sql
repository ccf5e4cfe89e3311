CREATE TABLE "access_tokens" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "node_run_logs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"workflow_run_identifier" text NOT NULL,
	"node_run_identifier" text NOT NULL,
	"seq" integer NOT NULL,
	"run_seq" integer NOT NULL,
	"level" text NOT NULL,
	"message" text NOT NULL,
	"tags" jsonb,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "node_runs" (
	"identifier" text PRIMARY KEY NOT NULL,
	"ord" bigserial NOT NULL,
	"workflow_run_identifier" text NOT NULL,
	"node_identifier" text NOT NULL,
	"node_title" text,
	"node_icon" text,
	"node_config_type" text NOT NULL,
	"status" text NOT NULL,
	"result" text,
	"output" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"log_seq" integer DEFAULT 0 NOT NULL,
	"debug_count" integer DEFAULT 0 NOT NULL,
	"info_count" integer DEFAULT 0 NOT NULL,
	"warn_count" integer DEFAULT 0 NOT NULL,
	"error_count" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" text PRIMARY KEY NOT NULL,
	"email" text NOT NULL,
	"role" text NOT NULL,
	"client_id" text NOT NULL,
	"client_secret_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_email_unique" UNIQUE("email"),
	CONSTRAINT "users_client_id_unique" UNIQUE("client_id")
);
--> statement-breakpoint
CREATE TABLE "workflow_runs" (
	"identifier" text PRIMARY KEY NOT NULL,
	"workflow_identifier" text NOT NULL,
	"workflow_version" integer NOT NULL,
	"title" text,
	"icon" text,
	"status" text NOT NULL,
	"result" text,
	"outputs" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"inputs" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"entity" text,
	"rerun_of" text,
	"allow_anyone_to_view" boolean DEFAULT true NOT NULL,
	"log_seq" integer DEFAULT 0 NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "workflows" (
	"identifier" text PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"icon" text,
	"description" text,
	"category" text,
	"allow_anyone_to_view_runs" boolean DEFAULT true NOT NULL,
	"nodes" jsonb NOT NULL,
	"connections" jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_by" text NOT NULL,
	"updated_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "access_tokens" ADD CONSTRAINT "access_tokens_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "node_runs" ADD CONSTRAINT "node_runs_workflow_run_identifier_workflow_runs_identifier_fk" FOREIGN KEY ("workflow_run_identifier") REFERENCES "public"."workflow_runs"("identifier") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "node_run_logs_seq_idx" ON "node_run_logs" USING btree ("node_run_identifier","seq");--> statement-breakpoint
CREATE INDEX "node_run_logs_level_idx" ON "node_run_logs" USING btree ("node_run_identifier","level","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "node_run_logs_run_seq_idx" ON "node_run_logs" USING btree ("workflow_run_identifier","run_seq");--> statement-breakpoint
CREATE INDEX "node_run_logs_run_level_idx" ON "node_run_logs" USING btree ("workflow_run_identifier","level","run_seq");--> statement-breakpoint
CREATE INDEX "node_runs_run_idx" ON "node_runs" USING btree ("workflow_run_identifier","ord");--> statement-breakpoint
CREATE INDEX "workflow_runs_list_idx" ON "workflow_runs" USING btree ("created_at" DESC NULLS LAST,"identifier" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "workflow_runs_wf_list_idx" ON "workflow_runs" USING btree ("workflow_identifier","created_at" DESC NULLS LAST,"identifier" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "workflow_runs_status_idx" ON "workflow_runs" USING btree ("status");--> statement-breakpoint
CREATE INDEX "workflow_runs_entity_idx" ON "workflow_runs" USING btree ("entity","created_at" DESC NULLS LAST);