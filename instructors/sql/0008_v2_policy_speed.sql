-- RLS at full speed (issue 9): this app's SELECT policies that called a SECURITY DEFINER helper once per
-- candidate row now test membership in a per-query set: `col IN (SELECT app.caller_x())` plans as a hashed
-- subplan, so the helper runs once per query. Each set is exactly what the per-row helper answers true for,
-- so every audience is unchanged. SELECT policies only: INSERT/UPDATE/ALL policies and guards are left to
-- the migrations that change write rules.

-- app.is_instructor_of_course, app.is_enrolled_in_course and app.is_instructor in plpgsql (same signatures,
-- results, security and volatility): a SQL-language SECURITY DEFINER body is planned again in every statement
-- that calls it, plpgsql keeps its plans for the session. Write policies and guards still call them per row.
CREATE OR REPLACE FUNCTION app.is_instructor_of_course(p_course_id uuid) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    RETURN EXISTS (
        SELECT 1 FROM public.courses c JOIN public.users u ON u.id = c.instructor_id
        WHERE c.id = p_course_id AND c.instructor_id = app.current_user_id() AND u.is_active
    );
END
$$;

CREATE OR REPLACE FUNCTION app.is_enrolled_in_course(p_course_id uuid) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    RETURN EXISTS (
        SELECT 1 FROM public.enrollments e
        WHERE e.user_id = app.current_user_id() AND e.course_id = p_course_id AND e.status <> 'dropped'
          AND (e.expires_at IS NULL OR e.expires_at > now())
    );
END
$$;

CREATE OR REPLACE FUNCTION app.is_instructor() RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM public.instructor_profiles p WHERE p.user_id = app.current_user_id());
END
$$;

-- Courses the active caller teaches (app.is_instructor_of_course as a set).
CREATE FUNCTION app.caller_course_ids() RETURNS SETOF uuid
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp ROWS 20
AS $$
BEGIN
    RETURN QUERY
    SELECT c.id FROM public.courses c JOIN public.users u ON u.id = c.instructor_id
    WHERE c.instructor_id = app.current_user_id() AND u.is_active;
END
$$;

-- Courses the caller has an active enrollment in: not dropped, not expired (app.is_enrolled_in_course as a
-- set; like that helper it does not look at the caller's status).
CREATE FUNCTION app.caller_enrolled_course_ids() RETURNS SETOF uuid
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp ROWS 10
AS $$
BEGIN
    RETURN QUERY
    SELECT e.course_id FROM public.enrollments e
    WHERE e.user_id = app.current_user_id() AND e.status <> 'dropped'
      AND (e.expires_at IS NULL OR e.expires_at > now());
END
$$;

REVOKE EXECUTE ON FUNCTION app.caller_course_ids(), app.caller_enrolled_course_ids() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.caller_course_ids(), app.caller_enrolled_course_ids() TO humanglue_app;

ALTER POLICY courses_select_enrolled ON public.courses
    USING (id IN (SELECT app.caller_enrolled_course_ids()));
ALTER POLICY courses_select_org_member ON public.courses
    USING (organization_id IN (SELECT app.caller_org_ids()) AND status <> 'draft');
ALTER POLICY courses_select_org_admin ON public.courses
    USING (organization_id IN (SELECT app.caller_admin_org_ids()));
ALTER POLICY enrollments_select_instructor ON public.enrollments
    USING (course_id IN (SELECT app.caller_course_ids()));
ALTER POLICY enrollments_select_org_admin ON public.enrollments
    USING (organization_id IN (SELECT app.caller_admin_org_ids()));
ALTER POLICY student_progress_select_instructor ON public.student_progress
    USING (course_id IN (SELECT app.caller_course_ids()));
ALTER POLICY course_reviews_select_instructor ON public.course_reviews
    USING (course_id IN (SELECT app.caller_course_ids()));
ALTER POLICY quiz_attempts_select_instructor ON public.quiz_attempts
    USING (course_id IN (SELECT app.caller_course_ids()));
ALTER POLICY assignment_submissions_select_instructor ON public.assignment_submissions
    USING (course_id IN (SELECT app.caller_course_ids()));
