-- Internal helpers and read functions of the instructors app (spec 30 §0.4, §1, §2.6, §2.10, §4;
-- conventions §2, §3). Loaded by instructors/0003_logic.
--
--   assert_instructor_access(uuid)            internal definer caller check (22004 / 42501), no grant
--   refresh_instructor_stats(uuid)            internal definer, pattern B (lock the profile, recompute)
--   recompute_course_progress(uuid[])         internal definer, set-based progress recompute (§2.6)
--   get_instructor_student_progress(uuid, uuid)   definer, STABLE, granted
--   get_instructor_recent_activity(uuid, integer) definer, STABLE, granted
--   get_student_quiz_stats / get_student_assignment_stats / get_student_watch_time
--                                             INVOKER, STABLE, granted: RLS decides which rows count
--
-- get_instructor_dashboard_stats and rebuild_instructor_counters read revenue_transactions and are created
-- by instructors/0004_dashboard; get_instructor_revenue_breakdown by payments/0004_revenue_totals.

-- §0.4: the caller check shared by the four dashboard functions. The COALESCE is what refuses an anonymous
-- caller: without it `p = NULL OR false` is NULL and `IF NOT NULL` would not raise. The system context gets
-- no exception (inside a definer function app.is_system_context() is always true anyway).
CREATE FUNCTION public.assert_instructor_access(p_instructor_id uuid)
RETURNS void
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    IF p_instructor_id IS NULL THEN
        RAISE EXCEPTION 'an instructor id is required'
            USING ERRCODE = '22004', CONSTRAINT = 'instructor_id_required';
    END IF;
    IF NOT COALESCE(p_instructor_id = app.current_user_id() OR app.is_platform_admin(), false) THEN
        RAISE EXCEPTION 'only the instructor or a platform admin may read this instructor''s figures'
            USING ERRCODE = '42501', CONSTRAINT = 'instructor_access_denied';
    END IF;
END;
$$;

-- §2.10: recompute the five maintained columns of one instructor's profile (pattern B: lock the profile
-- row, then recompute in new statements, so every committed change of an earlier lock holder is seen).
CREATE FUNCTION public.refresh_instructor_stats(p_user_id uuid)
RETURNS void
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    v_students integer;
    v_courses integer;
    v_workshops integer;
    v_rating numeric(3,2);
    v_reviews integer;
BEGIN
    IF p_user_id IS NULL THEN
        RETURN;
    END IF;
    PERFORM 1 FROM public.instructor_profiles p WHERE p.user_id = p_user_id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN;
    END IF;

    SELECT count(DISTINCT e.user_id)::integer INTO v_students
    FROM public.enrollments e
    JOIN public.courses c ON c.id = e.course_id
    WHERE c.instructor_id = p_user_id;

    SELECT count(*)::integer INTO v_courses
    FROM public.courses c
    WHERE c.instructor_id = p_user_id AND c.status = 'published';

    SELECT count(*)::integer INTO v_workshops
    FROM public.workshops w
    WHERE w.instructor_id = p_user_id AND w.status IN ('published', 'in_progress', 'completed');

    SELECT round(avg(r.rating), 2), count(*)::integer INTO v_rating, v_reviews
    FROM public.course_reviews r
    JOIN public.courses c ON c.id = r.course_id
    WHERE c.instructor_id = p_user_id AND r.is_published;

    UPDATE public.instructor_profiles p
    SET total_students = v_students,
        total_courses = v_courses,
        total_workshops = v_workshops,
        average_rating = v_rating,
        total_reviews = v_reviews
    WHERE p.user_id = p_user_id
      AND (p.total_students, p.total_courses, p.total_workshops, p.average_rating, p.total_reviews)
          IS DISTINCT FROM (v_students, v_courses, v_workshops, v_rating, v_reviews);
END;
$$;

-- §2.6: set-based recompute of every enrollment of the given courses after a lesson or section change.
-- pct = floor(completed lessons still in the course × 100 / lessons of the course), 0 without lessons;
-- monotonic status rules (enrolled/in_progress → completed at 100, enrolled → in_progress above 0;
-- 'completed' is never reverted and 'dropped' never touched); last_accessed_at is left alone; only rows
-- whose values change are updated. The enrollments are locked first in id order (deadlock-free order),
-- then the figures are computed in a new statement (pattern B).
CREATE FUNCTION public.recompute_course_progress(p_course_ids uuid[])
RETURNS void
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    IF p_course_ids IS NULL OR cardinality(p_course_ids) = 0 THEN
        RETURN;
    END IF;

    PERFORM 1
    FROM public.enrollments e
    WHERE e.course_id = ANY (p_course_ids)
    ORDER BY e.id
    FOR UPDATE;

    WITH totals AS (
        SELECT s.course_id, count(*)::integer AS total
        FROM public.course_sections s
        JOIN public.course_lessons l ON l.section_id = s.id
        WHERE s.course_id = ANY (p_course_ids)
        GROUP BY s.course_id
    ), done AS (
        SELECT sp.enrollment_id, count(*)::integer AS done
        FROM public.student_progress sp
        JOIN public.enrollments e ON e.id = sp.enrollment_id
        JOIN public.course_lessons l ON l.id = sp.lesson_id
        JOIN public.course_sections s ON s.id = l.section_id AND s.course_id = e.course_id
        WHERE e.course_id = ANY (p_course_ids) AND sp.is_completed
        GROUP BY sp.enrollment_id
    ), calc AS (
        SELECT e.id,
               CASE WHEN COALESCE(t.total, 0) = 0 THEN 0
                    ELSE LEAST(100, COALESCE(d.done, 0) * 100 / t.total) END AS pct
        FROM public.enrollments e
        LEFT JOIN totals t ON t.course_id = e.course_id
        LEFT JOIN done d ON d.enrollment_id = e.id
        WHERE e.course_id = ANY (p_course_ids)
    ), target AS (
        SELECT e.id, c.pct,
               CASE WHEN e.status IN ('enrolled', 'in_progress') AND c.pct = 100 THEN 'completed'::public.enrollment_status
                    WHEN e.status = 'enrolled' AND c.pct > 0 THEN 'in_progress'::public.enrollment_status
                    ELSE e.status END AS status,
               CASE WHEN e.status IN ('enrolled', 'in_progress') AND c.pct = 100 THEN COALESCE(e.completed_at, now())
                    ELSE e.completed_at END AS completed_at
        FROM public.enrollments e
        JOIN calc c ON c.id = e.id
    )
    UPDATE public.enrollments e
    SET progress_percentage = t.pct,
        status = t.status,
        completed_at = t.completed_at
    FROM target t
    WHERE e.id = t.id
      AND (e.progress_percentage, e.status, e.completed_at) IS DISTINCT FROM (t.pct, t.status, t.completed_at);
END;
$$;

-- §1: one row per enrollment (any status) in the instructor's courses, optionally one course; read from
-- enrollments (course-level progress), newest activity first with a deterministic tie-breaker.
CREATE FUNCTION public.get_instructor_student_progress(p_instructor_id uuid, p_course_id uuid DEFAULT NULL)
RETURNS TABLE (
    student_id uuid,
    student_name text,
    student_email text,
    student_avatar text,
    course_id uuid,
    course_title text,
    progress_percentage integer,
    last_activity_at timestamptz,
    enrollment_date timestamptz,
    status public.enrollment_status,
    enrollment_id uuid,
    completed_at timestamptz
)
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    PERFORM public.assert_instructor_access(p_instructor_id);
    RETURN QUERY
    SELECT u.id,
           u.full_name::text,
           u.email::text,
           u.avatar_url::text,
           c.id,
           c.title::text,
           e.progress_percentage,
           e.last_accessed_at,
           e.enrolled_at,
           e.status,
           e.id,
           e.completed_at
    FROM public.enrollments e
    JOIN public.courses c ON c.id = e.course_id
    JOIN public.users u ON u.id = e.user_id
    WHERE c.instructor_id = p_instructor_id
      AND (p_course_id IS NULL OR e.course_id = p_course_id)
    ORDER BY e.last_accessed_at DESC NULLS LAST, e.enrolled_at DESC, e.id ASC;
END;
$$;

-- §1: the instructor's activity feed, newest first; limit = LEAST(COALESCE(p_limit, 50), 500), and a
-- limit <= 0 gives no rows (never an error).
CREATE FUNCTION public.get_instructor_recent_activity(p_instructor_id uuid, p_limit integer DEFAULT 50)
RETURNS TABLE (
    id uuid,
    student_id uuid,
    student_name text,
    student_avatar text,
    activity_type public.activity_type,
    activity_title text,
    activity_description text,
    course_title text,
    workshop_title text,
    occurred_at timestamptz,
    course_id uuid,
    workshop_id uuid,
    lesson_id uuid,
    metadata jsonb
)
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    PERFORM public.assert_instructor_access(p_instructor_id);
    RETURN QUERY
    SELECT a.id,
           a.student_id,
           u.full_name::text,
           u.avatar_url::text,
           a.activity_type,
           a.activity_title,
           a.activity_description,
           c.title::text,
           w.title::text,
           a.occurred_at,
           a.course_id,
           a.workshop_id,
           a.lesson_id,
           a.metadata
    FROM public.student_activity a
    JOIN public.users u ON u.id = a.student_id
    LEFT JOIN public.courses c ON c.id = a.course_id
    LEFT JOIN public.workshops w ON w.id = a.workshop_id
    WHERE a.instructor_id = p_instructor_id
    ORDER BY a.occurred_at DESC, a.id DESC
    LIMIT GREATEST(0, LEAST(COALESCE(p_limit, 50), 500));
END;
$$;

-- §4: the three 006 student helpers, SECURITY INVOKER: the RLS of quiz_attempts, assignment_submissions
-- and student_progress decides which rows the caller counts (own rows, rows of the caller's courses, or
-- all rows for a platform admin). Always one row / one value; never raise.
CREATE FUNCTION public.get_student_quiz_stats(p_user_id uuid, p_course_id uuid DEFAULT NULL)
RETURNS TABLE (
    total_attempts integer,
    passed_attempts integer,
    failed_attempts integer,
    average_score numeric,
    highest_score numeric,
    latest_attempt_date timestamptz
)
LANGUAGE sql
STABLE
SECURITY INVOKER
AS $$
    SELECT count(*)::integer,
           count(*) FILTER (WHERE q.passed)::integer,
           count(*) FILTER (WHERE NOT q.passed)::integer,
           round(avg(q.percentage), 2),
           max(q.percentage),
           max(q.created_at)
    FROM public.quiz_attempts q
    WHERE q.user_id = p_user_id
      AND (p_course_id IS NULL OR q.course_id = p_course_id);
$$;

CREATE FUNCTION public.get_student_assignment_stats(p_user_id uuid, p_course_id uuid DEFAULT NULL)
RETURNS TABLE (
    total_submissions integer,
    graded_submissions integer,
    pending_submissions integer,
    average_grade numeric,
    highest_grade numeric,
    latest_submission_date timestamptz
)
LANGUAGE sql
STABLE
SECURITY INVOKER
AS $$
    SELECT count(*)::integer,
           count(*) FILTER (WHERE s.status = 'graded')::integer,
           count(*) FILTER (WHERE s.status IN ('submitted', 'under_review', 'resubmitted'))::integer,
           round(avg(s.grade), 2),
           max(s.grade),
           max(s.submitted_at)
    FROM public.assignment_submissions s
    WHERE s.user_id = p_user_id
      AND (p_course_id IS NULL OR s.course_id = p_course_id)
      AND s.status <> 'draft';
$$;

CREATE FUNCTION public.get_student_watch_time(p_user_id uuid, p_course_id uuid DEFAULT NULL)
RETURNS text
LANGUAGE sql
STABLE
SECURITY INVOKER
AS $$
    SELECT (t.total / 3600)::text || 'h ' || ((t.total % 3600) / 60)::text || 'm'
    FROM (
        SELECT COALESCE(sum(sp.time_spent_seconds), 0)::bigint AS total
        FROM public.student_progress sp
        WHERE sp.user_id = p_user_id
          AND (p_course_id IS NULL OR sp.course_id = p_course_id)
    ) t;
$$;

REVOKE EXECUTE ON FUNCTION public.assert_instructor_access(uuid) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.refresh_instructor_stats(uuid) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.recompute_course_progress(uuid[]) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.get_instructor_student_progress(uuid, uuid) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.get_instructor_recent_activity(uuid, integer) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.get_student_quiz_stats(uuid, uuid) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.get_student_assignment_stats(uuid, uuid) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.get_student_watch_time(uuid, uuid) FROM PUBLIC;

GRANT EXECUTE ON FUNCTION public.get_instructor_student_progress(uuid, uuid) TO humanglue_app;
GRANT EXECUTE ON FUNCTION public.get_instructor_recent_activity(uuid, integer) TO humanglue_app;
GRANT EXECUTE ON FUNCTION public.get_student_quiz_stats(uuid, uuid) TO humanglue_app;
GRANT EXECUTE ON FUNCTION public.get_student_assignment_stats(uuid, uuid) TO humanglue_app;
GRANT EXECUTE ON FUNCTION public.get_student_watch_time(uuid, uuid) TO humanglue_app;
