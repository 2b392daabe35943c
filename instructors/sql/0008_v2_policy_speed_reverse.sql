-- Restores the landed expressions (instructors rls_policies.sql) of the SELECT policies 0005 rewrote.
ALTER POLICY assignment_submissions_select_instructor ON public.assignment_submissions
    USING (app.is_instructor_of_course(course_id));
ALTER POLICY quiz_attempts_select_instructor ON public.quiz_attempts
    USING (app.is_instructor_of_course(course_id));
ALTER POLICY course_reviews_select_instructor ON public.course_reviews
    USING (app.is_instructor_of_course(course_id));
ALTER POLICY student_progress_select_instructor ON public.student_progress
    USING (app.is_instructor_of_course(course_id));
ALTER POLICY enrollments_select_org_admin ON public.enrollments
    USING (organization_id IS NOT NULL AND app.is_org_admin(organization_id));
ALTER POLICY enrollments_select_instructor ON public.enrollments
    USING (app.is_instructor_of_course(course_id));
ALTER POLICY courses_select_org_admin ON public.courses
    USING (organization_id IS NOT NULL AND app.is_org_admin(organization_id));
ALTER POLICY courses_select_org_member ON public.courses
    USING (organization_id IS NOT NULL AND app.is_org_member(organization_id) AND status <> 'draft');
ALTER POLICY courses_select_enrolled ON public.courses
    USING (app.is_enrolled_in_course(id));
DROP FUNCTION IF EXISTS app.caller_enrolled_course_ids();
DROP FUNCTION IF EXISTS app.caller_course_ids();

-- The landed SQL-language helpers (instructors rls_helpers.sql).
CREATE OR REPLACE FUNCTION app.is_instructor_of_course(p_course_id uuid)
RETURNS boolean
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
    SELECT EXISTS (
        SELECT 1
        FROM public.courses c
        JOIN public.users u ON u.id = c.instructor_id
        WHERE c.id = p_course_id
          AND c.instructor_id = app.current_user_id()
          AND u.is_active
    );
$$;

CREATE OR REPLACE FUNCTION app.is_enrolled_in_course(p_course_id uuid)
RETURNS boolean
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
    SELECT EXISTS (
        SELECT 1
        FROM public.enrollments e
        WHERE e.user_id = app.current_user_id()
          AND e.course_id = p_course_id
          AND e.status <> 'dropped'
          AND (e.expires_at IS NULL OR e.expires_at > now())
    );
$$;

CREATE OR REPLACE FUNCTION app.is_instructor()
RETURNS boolean
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
    SELECT EXISTS (
        SELECT 1
        FROM public.instructor_profiles p
        WHERE p.user_id = app.current_user_id()
    );
$$;
