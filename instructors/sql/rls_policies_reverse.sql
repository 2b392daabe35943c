-- Reverse of rls_policies.sql: drop the 54 policies, disable RLS, revoke the grants.
DROP POLICY IF EXISTS assignment_submissions_all_platform_admin ON public.assignment_submissions;
DROP POLICY IF EXISTS assignment_submissions_update_instructor ON public.assignment_submissions;
DROP POLICY IF EXISTS assignment_submissions_select_instructor ON public.assignment_submissions;
DROP POLICY IF EXISTS assignment_submissions_update_own ON public.assignment_submissions;
DROP POLICY IF EXISTS assignment_submissions_insert_own ON public.assignment_submissions;
DROP POLICY IF EXISTS assignment_submissions_select_own ON public.assignment_submissions;
DROP POLICY IF EXISTS quiz_attempts_all_platform_admin ON public.quiz_attempts;
DROP POLICY IF EXISTS quiz_attempts_select_instructor ON public.quiz_attempts;
DROP POLICY IF EXISTS quiz_attempts_insert_own ON public.quiz_attempts;
DROP POLICY IF EXISTS quiz_attempts_select_own ON public.quiz_attempts;
DROP POLICY IF EXISTS course_reviews_all_platform_admin ON public.course_reviews;
DROP POLICY IF EXISTS course_reviews_update_instructor ON public.course_reviews;
DROP POLICY IF EXISTS course_reviews_select_instructor ON public.course_reviews;
DROP POLICY IF EXISTS course_reviews_update_own ON public.course_reviews;
DROP POLICY IF EXISTS course_reviews_insert_own ON public.course_reviews;
DROP POLICY IF EXISTS course_reviews_select_own ON public.course_reviews;
DROP POLICY IF EXISTS course_reviews_select_published ON public.course_reviews;
DROP POLICY IF EXISTS student_activity_select_platform_admin ON public.student_activity;
DROP POLICY IF EXISTS student_activity_select_own ON public.student_activity;
DROP POLICY IF EXISTS student_activity_select_instructor ON public.student_activity;
DROP POLICY IF EXISTS student_progress_all_platform_admin ON public.student_progress;
DROP POLICY IF EXISTS student_progress_select_instructor ON public.student_progress;
DROP POLICY IF EXISTS student_progress_update_own ON public.student_progress;
DROP POLICY IF EXISTS student_progress_insert_own ON public.student_progress;
DROP POLICY IF EXISTS student_progress_select_own ON public.student_progress;
DROP POLICY IF EXISTS enrollments_all_platform_admin ON public.enrollments;
DROP POLICY IF EXISTS enrollments_select_org_admin ON public.enrollments;
DROP POLICY IF EXISTS enrollments_update_instructor ON public.enrollments;
DROP POLICY IF EXISTS enrollments_select_instructor ON public.enrollments;
DROP POLICY IF EXISTS enrollments_update_own ON public.enrollments;
DROP POLICY IF EXISTS enrollments_insert_own ON public.enrollments;
DROP POLICY IF EXISTS enrollments_select_own ON public.enrollments;
DROP POLICY IF EXISTS course_lessons_all_platform_admin ON public.course_lessons;
DROP POLICY IF EXISTS course_lessons_all_instructor ON public.course_lessons;
DROP POLICY IF EXISTS course_lessons_select_visible_course ON public.course_lessons;
DROP POLICY IF EXISTS course_sections_all_platform_admin ON public.course_sections;
DROP POLICY IF EXISTS course_sections_all_instructor ON public.course_sections;
DROP POLICY IF EXISTS course_sections_select_visible_course ON public.course_sections;
DROP POLICY IF EXISTS courses_all_platform_admin ON public.courses;
DROP POLICY IF EXISTS courses_select_org_admin ON public.courses;
DROP POLICY IF EXISTS courses_select_org_member ON public.courses;
DROP POLICY IF EXISTS courses_delete_own ON public.courses;
DROP POLICY IF EXISTS courses_update_own ON public.courses;
DROP POLICY IF EXISTS courses_insert_own ON public.courses;
DROP POLICY IF EXISTS courses_select_own ON public.courses;
DROP POLICY IF EXISTS courses_select_enrolled ON public.courses;
DROP POLICY IF EXISTS courses_select_published ON public.courses;
DROP POLICY IF EXISTS instructor_settings_all_platform_admin ON public.instructor_settings;
DROP POLICY IF EXISTS instructor_settings_all_own ON public.instructor_settings;
DROP POLICY IF EXISTS instructor_profiles_all_platform_admin ON public.instructor_profiles;
DROP POLICY IF EXISTS instructor_profiles_update_own ON public.instructor_profiles;
DROP POLICY IF EXISTS instructor_profiles_insert_own ON public.instructor_profiles;
DROP POLICY IF EXISTS instructor_profiles_select_own ON public.instructor_profiles;
DROP POLICY IF EXISTS instructor_profiles_select_public ON public.instructor_profiles;

REVOKE ALL ON
    public.instructor_profiles,
    public.instructor_settings,
    public.courses,
    public.course_sections,
    public.course_lessons,
    public.enrollments,
    public.student_progress,
    public.student_activity,
    public.course_reviews,
    public.quiz_attempts,
    public.assignment_submissions
FROM humanglue_app;

ALTER TABLE public.assignment_submissions DISABLE ROW LEVEL SECURITY;
ALTER TABLE public.quiz_attempts DISABLE ROW LEVEL SECURITY;
ALTER TABLE public.course_reviews DISABLE ROW LEVEL SECURITY;
ALTER TABLE public.student_activity DISABLE ROW LEVEL SECURITY;
ALTER TABLE public.student_progress DISABLE ROW LEVEL SECURITY;
ALTER TABLE public.enrollments DISABLE ROW LEVEL SECURITY;
ALTER TABLE public.course_lessons DISABLE ROW LEVEL SECURITY;
ALTER TABLE public.course_sections DISABLE ROW LEVEL SECURITY;
ALTER TABLE public.courses DISABLE ROW LEVEL SECURITY;
ALTER TABLE public.instructor_settings DISABLE ROW LEVEL SECURITY;
ALTER TABLE public.instructor_profiles DISABLE ROW LEVEL SECURITY;
