CREATE TABLE "action_run_logs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"seq" integer NOT NULL,
	"level" text NOT NULL,
	"message" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "action_runs" (
	"id" text PRIMARY KEY NOT NULL,
	"action_identifier" text NOT NULL,
	"action_title" text,
	"action_icon" text,
	"blueprint_identifier" text NOT NULL,
	"blueprint_title" text,
	"blueprint_icon" text,
	"entity_identifier" text,
	"entity_title" text,
	"status" text NOT NULL,
	"status_label" text,
	"link" jsonb,
	"summary" text,
	"source" text NOT NULL,
	"properties" jsonb NOT NULL,
	"payload" jsonb NOT NULL,
	"external_run_id" text,
	"required_approval" jsonb NOT NULL,
	"approvals" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"synchronized" boolean DEFAULT false NOT NULL,
	"allow_anyone_to_view" boolean DEFAULT true NOT NULL,
	"log_seq" integer DEFAULT 0 NOT NULL,
	"warn_count" integer DEFAULT 0 NOT NULL,
	"error_count" integer DEFAULT 0 NOT NULL,
	"created_by" text NOT NULL,
	"updated_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "actions" (
	"identifier" text PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"icon" text,
	"description" text,
	"blueprint" text NOT NULL,
	"trigger" jsonb NOT NULL,
	"required_approval" jsonb NOT NULL,
	"allow_anyone_to_view_runs" boolean DEFAULT true NOT NULL,
	"invocation_method" jsonb NOT NULL,
	"created_by" text NOT NULL,
	"updated_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"identifier" text NOT NULL,
	"action" text NOT NULL,
	"resource_type" text NOT NULL,
	"status" text NOT NULL,
	"user_id" text NOT NULL,
	"origin" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"blueprint_identifier" text,
	"entity_identifier" text,
	"run_id" text,
	"action_identifier" text,
	"diff" jsonb NOT NULL,
	"allow_anyone_to_view" boolean DEFAULT true NOT NULL,
	"run_created_by" text,
	CONSTRAINT "audit_log_identifier_unique" UNIQUE("identifier")
);
--> statement-breakpoint
CREATE TABLE "blueprints" (
	"identifier" text PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"icon" text,
	"description" text,
	"schema" jsonb NOT NULL,
	"created_by" text NOT NULL,
	"updated_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "entities" (
	"blueprint" text NOT NULL,
	"identifier" text NOT NULL,
	"title" text,
	"icon" text,
	"properties" jsonb NOT NULL,
	"relations" jsonb NOT NULL,
	"created_by" text NOT NULL,
	"updated_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "action_run_logs" ADD CONSTRAINT "action_run_logs_run_id_action_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."action_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "action_run_logs_seq_idx" ON "action_run_logs" USING btree ("run_id","seq");--> statement-breakpoint
CREATE INDEX "action_runs_list_idx" ON "action_runs" USING btree ("created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "action_runs_entity_idx" ON "action_runs" USING btree ("blueprint_identifier","entity_identifier","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "action_runs_action_idx" ON "action_runs" USING btree ("action_identifier","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "action_runs_status_idx" ON "action_runs" USING btree ("status");--> statement-breakpoint
CREATE INDEX "action_runs_external_idx" ON "action_runs" USING btree ("external_run_id");--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "audit_log" USING btree ("at" DESC NULLS LAST,"seq" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "audit_log_entity_idx" ON "audit_log" USING btree ("blueprint_identifier","entity_identifier","at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "audit_log_run_idx" ON "audit_log" USING btree ("run_id");--> statement-breakpoint
CREATE UNIQUE INDEX "entities_pk_idx" ON "entities" USING btree ("blueprint","identifier");