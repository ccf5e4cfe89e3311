-- The workflow of every audit entry already tied to a workflow run (its own entries and the entity
-- changes it made), from the run, as new entries record it (server/services/run-audit.ts): the
-- run's workflow identifier and its title (the workflow's title when the run started). An entry
-- whose run retention has deleted keeps no workflow: nothing left says which it was.
UPDATE "audit_log" a
   SET "workflow_identifier" = w."workflow_identifier", "workflow_title" = w."title"
  FROM "workflow_runs" w
 WHERE a."run_id" = w."identifier" AND a."workflow_identifier" IS NULL;
