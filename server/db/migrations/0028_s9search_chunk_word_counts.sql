ALTER TABLE "log_chunks" ADD COLUMN "counted" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "log_chunks" ADD COLUMN "counts" smallint[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
CREATE INDEX "log_chunks_counted_idx" ON "log_chunks" USING gin ("run_key","counted" gin_trgm_ops);