CREATE TABLE "log_chunk_pairs" (
	"node_key" integer NOT NULL,
	"first_seq" integer NOT NULL,
	"listed_pairs" text NOT NULL,
	CONSTRAINT "log_chunk_pairs_node_key_first_seq_pk" PRIMARY KEY("node_key","first_seq")
);
