-- Security helpers owned by the instructors app (conventions §7; spec 10 §5, 20 §0, 50 §0.3).
-- All four are STABLE SECURITY DEFINER with a pinned search_path, so a policy that calls them reads
-- courses / enrollments / instructor_profiles / workshops without re-entering those tables' policies
-- (this is what keeps the policy graph free of cycles). Each returns false when the caller
-- (app.current_user_id()) is NULL or an argument is NULL or unknown; none raises for missing rows.

-- Caller is active and courses.instructor_id = caller for that course (spec 10 §5). Co-instructors are
-- not counted; this is the single place to extend if course_instructors ever returns.
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

-- Caller has an active enrollment in the course: not dropped, not expired (spec 20 §0).
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

-- Caller has an instructor_profiles row (spec 50 §0.3; used by workshops_instructor_insert).
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

-- Caller is active and teaches p_user_id or is taught by p_user_id, through a course enrollment or a
-- workshop registration, in either direction; statuses are ignored, so past students count (spec 10 §5).
CREATE OR REPLACE FUNCTION app.has_teaching_relation(p_user_id uuid)
RETURNS boolean
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
    WITH caller AS (
        SELECT u.id
        FROM public.users u
        WHERE u.id = app.current_user_id()
          AND u.is_active
    )
    SELECT p_user_id IS NOT NULL AND EXISTS (SELECT 1 FROM caller) AND (
        EXISTS (
            SELECT 1
            FROM public.enrollments e
            JOIN public.courses c ON c.id = e.course_id
            WHERE e.user_id = p_user_id
              AND c.instructor_id = (SELECT id FROM caller)
        )
        OR EXISTS (
            SELECT 1
            FROM public.enrollments e
            JOIN public.courses c ON c.id = e.course_id
            WHERE e.user_id = (SELECT id FROM caller)
              AND c.instructor_id = p_user_id
        )
        OR EXISTS (
            SELECT 1
            FROM public.workshop_registrations r
            JOIN public.workshops w ON w.id = r.workshop_id
            WHERE r.user_id = p_user_id
              AND w.instructor_id = (SELECT id FROM caller)
        )
        OR EXISTS (
            SELECT 1
            FROM public.workshop_registrations r
            JOIN public.workshops w ON w.id = r.workshop_id
            WHERE r.user_id = (SELECT id FROM caller)
              AND w.instructor_id = p_user_id
        )
    );
$$;

REVOKE EXECUTE ON FUNCTION app.is_instructor_of_course(uuid) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION app.is_enrolled_in_course(uuid) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION app.is_instructor() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION app.has_teaching_relation(uuid) FROM PUBLIC;

GRANT EXECUTE ON FUNCTION app.is_instructor_of_course(uuid) TO humanglue_app;
GRANT EXECUTE ON FUNCTION app.is_enrolled_in_course(uuid) TO humanglue_app;
GRANT EXECUTE ON FUNCTION app.is_instructor() TO humanglue_app;
GRANT EXECUTE ON FUNCTION app.has_teaching_relation(uuid) TO humanglue_app;
