-- Tenant isolation in depth (README, "Tenant isolation"). Request handlers run their queries
-- inside withTenant(), which sets app.business_id for the transaction and switches to the
-- parley_tenant role. That role is not the tables' owner and has NOBYPASSRLS, so the policies
-- below apply even when the application connects as a superuser (tests, PGlite). System code
-- (registration, login, webhook routing, the actor runtime) stays on the owning role.

-- Roles are cluster-wide and test databases share one cluster: two migrations may race here.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'parley_tenant') THEN
    CREATE ROLE parley_tenant NOLOGIN NOSUPERUSER NOBYPASSRLS NOINHERIT;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL;
END
$$;
--> statement-breakpoint
-- SET ROLE needs membership; a superuser has it implicitly (and granting it could race).
DO $$
BEGIN
  IF NOT pg_has_role(current_user, 'parley_tenant', 'MEMBER') THEN
    EXECUTE format('GRANT parley_tenant TO %I', current_user);
  END IF;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION parley_current_business() RETURNS uuid
  LANGUAGE sql STABLE
  -- A custom setting reads '' (not NULL) once a transaction that set it has ended.
  AS $$ SELECT nullif(current_setting('app.business_id', true), '')::uuid $$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO parley_tenant;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO parley_tenant;
--> statement-breakpoint
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO parley_tenant;
--> statement-breakpoint
-- Later tables get the grants too, so a table that forgets its policy is caught by the
-- isolation test (every table is under RLS or out of the tenant role's reach), not by an error.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO parley_tenant;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO parley_tenant;
--> statement-breakpoint
-- Meta's deletion requests span tenants: system code only.
REVOKE ALL ON TABLE meta_deletion_requests FROM parley_tenant;
--> statement-breakpoint
ALTER TABLE businesses ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON businesses TO parley_tenant
  USING (id = parley_current_business()) WITH CHECK (id = parley_current_business());
--> statement-breakpoint
-- Users and their recovery codes carry no business_id: they are visible through a membership
-- of the current business (memberships is itself filtered by its own policy).
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON users TO parley_tenant
  USING (id IN (SELECT user_id FROM memberships))
  WITH CHECK (id IN (SELECT user_id FROM memberships));
--> statement-breakpoint
ALTER TABLE recovery_codes ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON recovery_codes TO parley_tenant
  USING (user_id IN (SELECT user_id FROM memberships))
  WITH CHECK (user_id IN (SELECT user_id FROM memberships));
--> statement-breakpoint
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY[
    'memberships', 'integrations', 'contacts', 'conversations', 'inbox', 'event_log',
    'messages', 'products', 'orders', 'payments', 'audit_log', 'refresh_tokens', 'invitations',
    'payment_provider_settings', 'ai_settings'
  ] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I TO parley_tenant '
      'USING (business_id = parley_current_business()) '
      'WITH CHECK (business_id = parley_current_business())',
      t
    );
  END LOOP;
END
$$;
