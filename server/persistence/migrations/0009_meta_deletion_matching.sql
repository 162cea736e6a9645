ALTER TABLE "meta_deletion_requests" ADD COLUMN "outcome" jsonb;--> statement-breakpoint
ALTER TABLE "meta_deletion_requests" ADD COLUMN "attempts" integer DEFAULT 0 NOT NULL;