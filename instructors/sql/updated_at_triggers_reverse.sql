-- Reverse of updated_at_triggers.sql.

DROP TRIGGER IF EXISTS update_assignment_submissions_updated_at ON public.assignment_submissions;
DROP TRIGGER IF EXISTS update_quiz_attempts_updated_at ON public.quiz_attempts;
DROP TRIGGER IF EXISTS update_course_reviews_updated_at ON public.course_reviews;
DROP TRIGGER IF EXISTS update_student_progress_updated_at ON public.student_progress;
DROP TRIGGER IF EXISTS update_enrollments_updated_at ON public.enrollments;
DROP TRIGGER IF EXISTS update_course_lessons_updated_at ON public.course_lessons;
DROP TRIGGER IF EXISTS update_course_sections_updated_at ON public.course_sections;
DROP TRIGGER IF EXISTS update_courses_updated_at ON public.courses;
DROP TRIGGER IF EXISTS update_instructor_settings_updated_at ON public.instructor_settings;
DROP TRIGGER IF EXISTS update_instructor_profiles_updated_at ON public.instructor_profiles;
