CREATE TABLE "log_chunks" (
	"node_key" integer NOT NULL,
	"first_seq" integer NOT NULL,
	"last_seq" integer NOT NULL,
	"run_key" integer NOT NULL,
	"words" text NOT NULL,
	CONSTRAINT "log_chunks_node_key_first_seq_pk" PRIMARY KEY("node_key","first_seq")
);
--> statement-breakpoint
CREATE INDEX "log_chunks_words_idx" ON "log_chunks" USING gin ("run_key","words" gin_trgm_ops);