-- Reverse of dashboard.sql.
DROP FUNCTION IF EXISTS public.rebuild_instructor_counters(boolean);
DROP FUNCTION IF EXISTS public.get_instructor_dashboard_stats(uuid);
