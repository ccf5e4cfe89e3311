ALTER TABLE "log_chunks" ADD COLUMN "numbers_by_line" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "log_chunks" ADD COLUMN "repeated" text;