-- Moves the log lines of node_run_logs (text ids) into node_run_lines (integer keys), keeping
-- their ids, and carries the id sequence on; node_run_logs is dropped by the next migration.
INSERT INTO node_run_lines (node_key, seq, run_key, run_seq, created_at, id, level, message, tags)
SELECT n.log_key, l.seq, r.log_key, l.run_seq, l.created_at, l.id, l.level, l.message, l.tags
FROM node_run_logs l
JOIN node_runs n ON n.identifier = l.node_run_identifier
JOIN workflow_runs r ON r.identifier = l.workflow_run_identifier;
--> statement-breakpoint
SELECT setval(pg_get_serial_sequence('node_run_lines', 'id'),
              GREATEST((SELECT max(id) FROM node_run_logs), 1));
