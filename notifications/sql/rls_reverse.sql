-- Reverse of rls.sql: drop the 10 policies, disable RLS, revoke the grants.

DROP POLICY IF EXISTS presence_admin_all ON public.student_presence;
DROP POLICY IF EXISTS presence_delete_own ON public.student_presence;
DROP POLICY IF EXISTS presence_update_own ON public.student_presence;
DROP POLICY IF EXISTS presence_insert_own ON public.student_presence;
DROP POLICY IF EXISTS presence_select_instructor ON public.student_presence;
REVOKE UPDATE (status, last_seen_at, metadata, connection_count) ON TABLE public.student_presence FROM humanglue_app;
REVOKE ALL ON TABLE public.student_presence FROM humanglue_app;
ALTER TABLE public.student_presence DISABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS notifications_admin_all ON public.notifications;
DROP POLICY IF EXISTS notifications_delete_own ON public.notifications;
DROP POLICY IF EXISTS notifications_update_own ON public.notifications;
DROP POLICY IF EXISTS notifications_insert_own ON public.notifications;
DROP POLICY IF EXISTS notifications_select_own ON public.notifications;
REVOKE UPDATE (read_at) ON TABLE public.notifications FROM humanglue_app;
REVOKE ALL ON TABLE public.notifications FROM humanglue_app;
ALTER TABLE public.notifications DISABLE ROW LEVEL SECURITY;
