CREATE TABLE "analytics_buckets" (
	"business_id" uuid NOT NULL,
	"bucket" timestamp with time zone NOT NULL,
	"channel" text NOT NULL,
	"metric" text NOT NULL,
	"slot" smallint NOT NULL,
	"value" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "analytics_buckets_business_id_bucket_channel_metric_slot_pk" PRIMARY KEY("business_id","bucket","channel","metric","slot")
);
--> statement-breakpoint
CREATE TABLE "analytics_gauges" (
	"business_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"state" text NOT NULL,
	"slot" smallint NOT NULL,
	"count" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "analytics_gauges_business_id_channel_state_slot_pk" PRIMARY KEY("business_id","channel","state","slot")
);
--> statement-breakpoint
CREATE TABLE "feed_counters" (
	"business_id" uuid PRIMARY KEY NOT NULL,
	"seq" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "feed_events" (
	"business_id" uuid NOT NULL,
	"seq" bigint NOT NULL,
	"event" text NOT NULL,
	"conversation_id" uuid,
	"payload" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "feed_events_business_id_seq_pk" PRIMARY KEY("business_id","seq")
);
--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "last_message_author" text;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "facts" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "analytics_buckets" ADD CONSTRAINT "analytics_buckets_business_id_businesses_id_fk" FOREIGN KEY ("business_id") REFERENCES "public"."businesses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analytics_gauges" ADD CONSTRAINT "analytics_gauges_business_id_businesses_id_fk" FOREIGN KEY ("business_id") REFERENCES "public"."businesses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feed_counters" ADD CONSTRAINT "feed_counters_business_id_businesses_id_fk" FOREIGN KEY ("business_id") REFERENCES "public"."businesses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feed_events" ADD CONSTRAINT "feed_events_business_id_businesses_id_fk" FOREIGN KEY ("business_id") REFERENCES "public"."businesses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feed_events" ADD CONSTRAINT "feed_events_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "feed_events_created_idx" ON "feed_events" USING btree ("created_at");--> statement-breakpoint
-- Conversations that existed before the projection start in the gauges (slot 0); one that has
-- seen no event yet is counted by the projection when its first event is applied.
INSERT INTO analytics_gauges (business_id, channel, state, slot, count)
  SELECT business_id, channel, state, 0, count(*) FROM conversations WHERE version > 0 GROUP BY business_id, channel, state
  ON CONFLICT DO NOTHING;
--> statement-breakpoint
ALTER TABLE feed_events ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON feed_events TO parley_tenant
  USING (business_id = parley_current_business()) WITH CHECK (business_id = parley_current_business());
--> statement-breakpoint
ALTER TABLE feed_counters ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON feed_counters TO parley_tenant
  USING (business_id = parley_current_business()) WITH CHECK (business_id = parley_current_business());
--> statement-breakpoint
ALTER TABLE analytics_buckets ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON analytics_buckets TO parley_tenant
  USING (business_id = parley_current_business()) WITH CHECK (business_id = parley_current_business());
--> statement-breakpoint
ALTER TABLE analytics_gauges ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON analytics_gauges TO parley_tenant
  USING (business_id = parley_current_business()) WITH CHECK (business_id = parley_current_business());
