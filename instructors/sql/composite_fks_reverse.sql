-- Reverse of composite_fks.sql.

ALTER TABLE public.course_reviews DROP CONSTRAINT IF EXISTS course_reviews_enrollment_user_course_fkey;
ALTER TABLE public.student_progress DROP CONSTRAINT IF EXISTS student_progress_enrollment_user_course_fkey;
