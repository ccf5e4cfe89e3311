ALTER TABLE "action_runs" ALTER COLUMN "blueprint_identifier" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "actions" ALTER COLUMN "blueprint" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "blueprints" ADD COLUMN "relations" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "blueprints" ADD COLUMN "extra" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "entities" ADD COLUMN "team" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
CREATE INDEX "entities_identifier_idx" ON "entities" USING btree ("identifier");--> statement-breakpoint
CREATE INDEX "entities_properties_gin_idx" ON "entities" USING gin ("properties" jsonb_path_ops);--> statement-breakpoint
CREATE INDEX "entities_relations_gin_idx" ON "entities" USING gin ("relations" jsonb_path_ops);--> statement-breakpoint
CREATE INDEX "entities_team_gin_idx" ON "entities" USING gin ("team" jsonb_path_ops);