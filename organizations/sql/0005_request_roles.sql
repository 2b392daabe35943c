-- Request traffic connects as a LOGIN role that is neither the owner nor a superuser nor BYPASSRLS
-- (issue 9 item 12: `RESET ROLE` from the app role gave back the owner, a superuser on the embedded
-- server). Three roles, all cluster-wide, created only when missing and never dropped:
--   humanglue_web     LOGIN NOINHERIT: owns nothing, holds no privilege of its own; it can only
--                     SET ROLE humanglue_app (every request) or humanglue_system (privileged paths).
--   humanglue_app     NOLOGIN NOBYPASSRLS: all request work, under the policies (landed).
--   humanglue_system  NOLOGIN BYPASSRLS: the named system context (login lookup, sessions, signup,
--                     payment completion). It inherits the app role's grants and adds only what those
--                     paths need: password hashes, sessions, payout columns. No DDL, no ownership.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'humanglue_system') THEN
        IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
            -- Only a superuser may create a BYPASSRLS role on PostgreSQL 15.
            RAISE EXCEPTION 'role humanglue_system is missing; a superuser must create it once: '
                'CREATE ROLE humanglue_system NOLOGIN INHERIT BYPASSRLS; GRANT humanglue_system TO % WITH ADMIN OPTION;',
                quote_ident(current_user);
        END IF;
        CREATE ROLE humanglue_system NOLOGIN INHERIT BYPASSRLS;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'humanglue_web') THEN
        CREATE ROLE humanglue_web LOGIN NOINHERIT NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
    END IF;
END
$$;
GRANT humanglue_system TO CURRENT_USER;
GRANT humanglue_app TO humanglue_system;
GRANT humanglue_app, humanglue_system TO humanglue_web;

-- The system context: what the app role has, plus the privileged paths' own needs.
GRANT USAGE ON SCHEMA app TO humanglue_system;
GRANT SELECT, INSERT, UPDATE ON public.users TO humanglue_system;
GRANT SELECT, INSERT, UPDATE, DELETE ON public.django_session TO humanglue_system;
GRANT UPDATE (payout_id, payout_status, payout_date) ON public.revenue_transactions TO humanglue_system;
-- /healthz reports unapplied migrations before any role is set.
GRANT SELECT ON public.django_migrations TO humanglue_web;

-- Sessions are read and written only in the system context (organizations/sessions.py): the app role
-- could read every login session.
REVOKE ALL ON public.django_session FROM humanglue_app;

-- The admin log: the app role may add entries only as itself and read only its own (platform admins:
-- all), so a request cannot forge another user's history.
ALTER TABLE public.django_admin_log ENABLE ROW LEVEL SECURITY;
CREATE POLICY django_admin_log_select_own ON public.django_admin_log FOR SELECT TO humanglue_app
    USING (user_id = (SELECT app.current_user_id()) OR (SELECT app.is_platform_admin()));
CREATE POLICY django_admin_log_insert_own ON public.django_admin_log FOR INSERT TO humanglue_app
    WITH CHECK (user_id = (SELECT app.current_user_id()));
