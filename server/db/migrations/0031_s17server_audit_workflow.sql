ALTER TABLE "audit_log" ADD COLUMN "workflow_identifier" text;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "workflow_title" text;--> statement-breakpoint
CREATE INDEX "audit_log_workflow_idx" ON "audit_log" USING btree ("workflow_identifier","at" DESC NULLS LAST,"seq" DESC NULLS LAST) WHERE "audit_log"."workflow_identifier" IS NOT NULL;