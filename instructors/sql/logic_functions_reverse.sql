-- Reverse of logic_functions.sql.
DROP FUNCTION IF EXISTS public.get_student_watch_time(uuid, uuid);
DROP FUNCTION IF EXISTS public.get_student_assignment_stats(uuid, uuid);
DROP FUNCTION IF EXISTS public.get_student_quiz_stats(uuid, uuid);
DROP FUNCTION IF EXISTS public.get_instructor_recent_activity(uuid, integer);
DROP FUNCTION IF EXISTS public.get_instructor_student_progress(uuid, uuid);
DROP FUNCTION IF EXISTS public.recompute_course_progress(uuid[]);
DROP FUNCTION IF EXISTS public.refresh_instructor_stats(uuid);
DROP FUNCTION IF EXISTS public.assert_instructor_access(uuid);
