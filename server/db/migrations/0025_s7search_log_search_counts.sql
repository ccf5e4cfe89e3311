CREATE TABLE "log_search_counts" (
	"id" serial NOT NULL,
	"node_key" integer NOT NULL,
	"term" text NOT NULL,
	"levels" text NOT NULL,
	"run_key" integer NOT NULL,
	"sealed_to" integer NOT NULL,
	"matches" integer NOT NULL,
	CONSTRAINT "log_search_counts_node_key_term_levels_pk" PRIMARY KEY("node_key","term","levels")
);
--> statement-breakpoint
CREATE INDEX "log_search_counts_id_idx" ON "log_search_counts" USING btree ("id");