ALTER TABLE "integrations" ADD COLUMN "business_account_id" text;--> statement-breakpoint
ALTER TABLE "integrations" ADD COLUMN "verified_at" timestamp with time zone;