-- Reverse of rls_guards.sql.
DROP TRIGGER IF EXISTS guard_assignment_submissions_columns ON public.assignment_submissions;
DROP TRIGGER IF EXISTS guard_course_reviews_columns ON public.course_reviews;
DROP TRIGGER IF EXISTS guard_enrollments_columns ON public.enrollments;
DROP TRIGGER IF EXISTS guard_courses_columns ON public.courses;
DROP TRIGGER IF EXISTS guard_instructor_profiles_columns ON public.instructor_profiles;

DROP FUNCTION IF EXISTS public.guard_assignment_submissions_columns();
DROP FUNCTION IF EXISTS public.guard_course_reviews_columns();
DROP FUNCTION IF EXISTS public.guard_enrollments_columns();
DROP FUNCTION IF EXISTS public.guard_courses_columns();
DROP FUNCTION IF EXISTS public.guard_instructor_profiles_columns();
