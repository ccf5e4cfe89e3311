CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE INDEX "node_run_logs_message_trgm_idx" ON "node_run_logs" USING gin ("message" gin_trgm_ops);
