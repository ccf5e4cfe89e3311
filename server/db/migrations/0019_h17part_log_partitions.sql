CREATE TABLE "log_partitions" (
	"name" text PRIMARY KEY NOT NULL,
	"lo" integer NOT NULL,
	"hi" integer NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"started_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"dropped_at" timestamp with time zone
);
--> statement-breakpoint
CREATE UNIQUE INDEX "log_partitions_lo_idx" ON "log_partitions" USING btree ("lo");