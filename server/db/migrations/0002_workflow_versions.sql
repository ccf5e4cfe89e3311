CREATE TABLE "workflow_versions" (
	"workflow_identifier" text NOT NULL,
	"version" integer NOT NULL,
	"nodes" jsonb NOT NULL,
	"connections" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "workflow_versions_workflow_identifier_version_pk" PRIMARY KEY("workflow_identifier","version")
);
--> statement-breakpoint
-- Workflows created before this table existed keep the graph of their current version.
INSERT INTO "workflow_versions" ("workflow_identifier", "version", "nodes", "connections", "created_at")
SELECT "identifier", "version", "nodes", "connections", "updated_at" FROM "workflows";
