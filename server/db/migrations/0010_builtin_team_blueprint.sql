-- Port's built-in `_team` blueprint is always present (entities' `team` holds its identifiers).
INSERT INTO "blueprints" ("identifier", "title", "icon", "description", "schema", "relations", "extra", "created_by", "updated_by", "created_at", "updated_at")
VALUES ('_team', 'Team', 'Team', 'Built-in: the teams entities belong to',
  '{"properties": {"description": {"type": "string", "title": "Description"}}, "required": []}'::jsonb,
  '{}'::jsonb, '{}'::jsonb, 'port', 'port', now(), now())
ON CONFLICT ("identifier") DO NOTHING;
