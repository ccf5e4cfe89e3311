ALTER TABLE "log_chunks" ADD COLUMN "listed_pairs" text;--> statement-breakpoint
-- Read only by a count of a phrase of rare words: never compressed in the row, but moved out of it
-- (TOAST) once the row passes toast_tuple_target, rather than pushing out the compressed columns
-- every count reads.
ALTER TABLE "log_chunks" ALTER COLUMN "listed_pairs" SET STORAGE EXTERNAL;
