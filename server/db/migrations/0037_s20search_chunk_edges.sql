ALTER TABLE "log_chunks" ADD COLUMN "edges" text;--> statement-breakpoint
ALTER TABLE "log_chunks" SET (toast_tuple_target = 4080);