-- Reverse of logic_views.sql: drop the three views (their grants go with them).
DROP VIEW IF EXISTS public.live_course_stats;
DROP VIEW IF EXISTS public.instructor_recent_activity;
DROP VIEW IF EXISTS public.user_unread_notifications;
