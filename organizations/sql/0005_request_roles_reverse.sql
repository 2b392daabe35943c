DROP POLICY IF EXISTS django_admin_log_insert_own ON public.django_admin_log;
DROP POLICY IF EXISTS django_admin_log_select_own ON public.django_admin_log;
ALTER TABLE public.django_admin_log DISABLE ROW LEVEL SECURITY;
GRANT SELECT, INSERT, UPDATE, DELETE ON public.django_session TO humanglue_app;
REVOKE SELECT ON public.django_migrations FROM humanglue_web;
REVOKE UPDATE (payout_id, payout_status, payout_date) ON public.revenue_transactions FROM humanglue_system;
REVOKE ALL ON public.django_session FROM humanglue_system;
REVOKE ALL ON public.users FROM humanglue_system;
REVOKE USAGE ON SCHEMA app FROM humanglue_system;
-- Roles are cluster-wide (other databases may use them): revoke memberships, never drop.
REVOKE humanglue_app, humanglue_system FROM humanglue_web;
REVOKE humanglue_app FROM humanglue_system;
