DROP INDEX "conversations_business_state_updated_idx";--> statement-breakpoint
DROP INDEX "conversations_business_updated_idx";--> statement-breakpoint
CREATE INDEX "conversations_business_state_updated_idx" ON "conversations" USING btree ("business_id","state","updated_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "conversations_business_updated_idx" ON "conversations" USING btree ("business_id","updated_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);