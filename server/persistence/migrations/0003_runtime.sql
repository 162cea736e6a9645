CREATE TABLE "cluster_nodes" (
	"node_id" text PRIMARY KEY NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen" timestamp with time zone DEFAULT now() NOT NULL,
	"leaving" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shard_leases" (
	"shard" integer PRIMARY KEY NOT NULL,
	"owner" text,
	"epoch" bigint DEFAULT 0 NOT NULL,
	"lease_until" timestamp with time zone DEFAULT 'epoch' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "timers" (
	"conversation_id" uuid NOT NULL,
	"timer_id" text NOT NULL,
	"business_id" uuid NOT NULL,
	"shard" integer NOT NULL,
	"fire_at" timestamp with time zone NOT NULL,
	"event" jsonb NOT NULL,
	"armed_version" bigint NOT NULL,
	CONSTRAINT "timers_conversation_id_timer_id_pk" PRIMARY KEY("conversation_id","timer_id")
);
--> statement-breakpoint
DROP INDEX "conversations_contact_idx";--> statement-breakpoint
DROP INDEX "messages_conversation_created_idx";--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "armed_timers" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "needs_attention" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "last_inbound_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "event_log" ADD COLUMN "applied_by" text;--> statement-breakpoint
ALTER TABLE "event_log" ADD COLUMN "epoch" bigint;--> statement-breakpoint
ALTER TABLE "inbox" ADD COLUMN "outcome" jsonb;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "seq" bigserial NOT NULL;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "reactions" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "timers" ADD CONSTRAINT "timers_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "timers" ADD CONSTRAINT "timers_business_id_businesses_id_fk" FOREIGN KEY ("business_id") REFERENCES "public"."businesses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "timers_due_idx" ON "timers" USING btree ("shard","fire_at");--> statement-breakpoint
CREATE UNIQUE INDEX "conversations_contact_key" ON "conversations" USING btree ("contact_id");--> statement-breakpoint
CREATE INDEX "messages_conversation_seq_idx" ON "messages" USING btree ("conversation_id","seq");--> statement-breakpoint
-- One lease row per virtual shard; SHARD_COUNT in server/runtime/shards.ts must match.
INSERT INTO "shard_leases" ("shard") SELECT generate_series(0, 255) ON CONFLICT DO NOTHING;
--> statement-breakpoint
-- Runtime bookkeeping is system code's alone; timers are tenant rows like the rest.
REVOKE ALL ON TABLE shard_leases, cluster_nodes FROM parley_tenant;
--> statement-breakpoint
ALTER TABLE timers ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON timers TO parley_tenant
  USING (business_id = parley_current_business()) WITH CHECK (business_id = parley_current_business());
