ALTER TABLE "work_items" ADD COLUMN "target_host" text;--> statement-breakpoint
CREATE INDEX "work_items_host_idx" ON "work_items" USING btree ("target_host","claimed_until") WHERE state = 'claimed';