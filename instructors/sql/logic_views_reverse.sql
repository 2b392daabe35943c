-- Reverse of logic_views.sql.
DROP VIEW IF EXISTS public.lesson_progress;
DROP VIEW IF EXISTS public.course_enrollments;
DROP VIEW IF EXISTS public.student_engagement_summary;
DROP VIEW IF EXISTS public.instructor_workshop_performance;
DROP VIEW IF EXISTS public.instructor_course_performance;
