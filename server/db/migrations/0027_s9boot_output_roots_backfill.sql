-- The root's shallow view of every output already stored in 8 KB or more (server/db/workflow-runs.ts
-- storedRootSql, as of this migration): new outputs get theirs when written.
INSERT INTO node_run_output_roots (node_run_identifier, root)
SELECT n.identifier, jsonb_build_object('kind', jsonb_typeof(v.j), 'size', CASE jsonb_typeof(v.j) WHEN 'object' THEN (SELECT count(*) FROM jsonb_object_keys(v.j))::int
       WHEN 'array' THEN jsonb_array_length(v.j) END,
      'preview', CASE jsonb_typeof(v.j) WHEN 'string' THEN to_jsonb(left(v.j #>> '{}', 200))::text
       WHEN 'object' THEN NULL WHEN 'array' THEN NULL ELSE v.j::text END, 'length', CASE WHEN jsonb_typeof(v.j) = 'string' AND length(v.j #>> '{}') > 200
       THEN length(v.j #>> '{}') END,
      'entries', (SELECT coalesce(jsonb_agg(jsonb_build_array(e.k, jsonb_typeof(e.v),
                    CASE jsonb_typeof(e.v) WHEN 'object' THEN (SELECT count(*) FROM jsonb_object_keys(e.v))::int
       WHEN 'array' THEN jsonb_array_length(e.v) END, CASE jsonb_typeof(e.v) WHEN 'string' THEN to_jsonb(left(e.v #>> '{}', 200))::text
       WHEN 'object' THEN NULL WHEN 'array' THEN NULL ELSE e.v::text END, CASE WHEN jsonb_typeof(e.v) = 'string' AND length(e.v #>> '{}') > 200
       THEN length(e.v #>> '{}') END)
                  ORDER BY e.i), '[]'::jsonb)
           FROM (SELECT * FROM (
                   SELECT key AS k, value AS v, ord AS i FROM jsonb_each(
                     CASE jsonb_typeof(v.j) WHEN 'object' THEN v.j ELSE '{}'::jsonb END)
                     WITH ORDINALITY AS t(key, value, ord)
                   UNION ALL
                   SELECT (ord - 1)::text, value, ord FROM jsonb_array_elements(
                     CASE jsonb_typeof(v.j) WHEN 'array' THEN v.j ELSE '[]'::jsonb END)
                     WITH ORDINALITY AS t(value, ord)) c
                 ORDER BY c.i OFFSET 0 LIMIT 500) e))
   FROM node_runs n, LATERAL (SELECT n.output AS j OFFSET 0) v
   WHERE pg_column_size(n.output) >= 8192
ON CONFLICT (node_run_identifier) DO NOTHING;
