ALTER TABLE "log_chunks" ADD COLUMN "listed" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "log_chunks" ADD COLUMN "numbers" text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE INDEX "log_chunks_numbers_idx" ON "log_chunks" USING gin ("run_key","numbers" gin_trgm_ops);