ALTER TABLE "log_chunks" ADD COLUMN "pairs" text;--> statement-breakpoint
ALTER TABLE "log_chunks" ADD COLUMN "pair_counts" smallint[] DEFAULT '{}' NOT NULL;