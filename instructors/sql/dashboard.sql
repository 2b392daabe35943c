-- The instructor dashboard and the counter rebuild (spec 30 §1 and §5). They read revenue_transactions
-- (payments app), so they are created by instructors/0004_dashboard, after payments/0004_revenue_totals.

-- §1 one row of figures for an allowed caller (the instructor themself or a platform admin, §0.4), read
-- live from the source tables, never from the maintained counters. Unknown instructor or no courses:
-- counts 0, money 0.00, average_rating NULL, completion_rate 0.00.
CREATE FUNCTION public.get_instructor_dashboard_stats(p_instructor_id uuid)
RETURNS TABLE (
    total_students integer,
    total_courses integer,
    total_workshops integer,
    total_revenue numeric,
    pending_revenue numeric,
    average_rating numeric,
    total_reviews integer,
    active_enrollments integer,
    upcoming_workshops integer,
    total_enrollments integer,
    completed_enrollments integer,
    completion_rate numeric,
    total_earnings numeric
)
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    PERFORM public.assert_instructor_access(p_instructor_id);
    RETURN QUERY
    WITH enr AS (
        -- columns 1, 8, 10 and 11 in one pass over the instructor's enrollments
        SELECT count(DISTINCT e.user_id)::integer AS students,
               (count(*) FILTER (WHERE e.status IN ('enrolled', 'in_progress')))::integer AS active,
               count(*)::integer AS total,
               (count(*) FILTER (WHERE e.status = 'completed'))::integer AS completed
        FROM public.courses c
        JOIN public.enrollments e ON e.course_id = c.id
        WHERE c.instructor_id = p_instructor_id
    ), crs AS (
        SELECT count(*)::integer AS published
        FROM public.courses c
        WHERE c.instructor_id = p_instructor_id AND c.status = 'published'
    ), wks AS (
        SELECT (count(*) FILTER (WHERE w.status IN ('published', 'in_progress', 'completed')))::integer AS counted,
               (count(*) FILTER (WHERE w.status = 'published' AND w.start_time > now()))::integer AS upcoming
        FROM public.workshops w
        WHERE w.instructor_id = p_instructor_id
    ), rev AS (
        SELECT COALESCE(sum(rt.amount), 0)::numeric(12,2) AS amount,
               COALESCE(sum(rt.amount) FILTER (WHERE rt.payout_status IS DISTINCT FROM 'paid'), 0)::numeric(12,2)
                   AS pending,
               COALESCE(sum(rt.instructor_earnings), 0)::numeric(12,2) AS earnings
        FROM public.revenue_transactions rt
        WHERE rt.instructor_id = p_instructor_id AND rt.payment_status = 'completed'
    ), rvw AS (
        SELECT round(avg(r.rating), 2)::numeric(3,2) AS rating, count(*)::integer AS reviews
        FROM public.courses c
        JOIN public.course_reviews r ON r.course_id = c.id
        WHERE c.instructor_id = p_instructor_id AND r.is_published
    )
    SELECT enr.students,
           crs.published,
           wks.counted,
           rev.amount,
           rev.pending,
           rvw.rating,
           rvw.reviews,
           enr.active,
           wks.upcoming,
           enr.total,
           enr.completed,
           (CASE WHEN enr.total = 0 THEN 0
                 ELSE round(enr.completed * 100.0 / enr.total, 2) END)::numeric(5,2),
           rev.earnings
    FROM enr, crs, wks, rev, rvw;
END;
$$;

-- §5 operator function (owner only, no grant): for each counter family compute the true values from the
-- source rows (spec 30 §2 definitions), report how many rows differ, and correct them unless p_dry_run.
-- Families, in this order: courses.enrolled_count, courses.completed_count, courses.rating (average_rating
-- and review_count), courses.total_revenue, workshops.total_revenue, instructor_profiles.stats (the five
-- maintained values), enrollments.progress (the §2.6 invariant with the monotonic status rules).
-- Each family is one set-based statement (grouped aggregates, hash joins), so it also serves bulk loads
-- made with DISABLE TRIGGER USER. A dry run only reads (it works in a read-only transaction). Unless
-- p_dry_run it then calls refresh_workshop_stats() for every workshop (the workshops app's own derived
-- counters; a dry run must not change anything, so it skips them).
CREATE FUNCTION public.rebuild_instructor_counters(p_dry_run boolean DEFAULT false)
RETURNS TABLE (counter text, mismatched integer)
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    v_family record;
    v_n integer;
    v_workshop uuid;
BEGIN
    FOR v_family IN
        SELECT f.name, f.target, f.truth, f.differs, f.assign
        FROM (VALUES
            (1, 'courses.enrolled_count', 'public.courses',
             $q$SELECT c.id, count(e.id)::integer AS v
                FROM public.courses c LEFT JOIN public.enrollments e ON e.course_id = c.id
                GROUP BY c.id$q$,
             't.enrolled_count IS DISTINCT FROM x.v',
             'enrolled_count = x.v'),
            (2, 'courses.completed_count', 'public.courses',
             $q$SELECT c.id, (count(e.id) FILTER (WHERE e.status = 'completed'))::integer AS v
                FROM public.courses c LEFT JOIN public.enrollments e ON e.course_id = c.id
                GROUP BY c.id$q$,
             't.completed_count IS DISTINCT FROM x.v',
             'completed_count = x.v'),
            (3, 'courses.rating', 'public.courses',
             $q$SELECT c.id, round(avg(r.rating), 2) AS rating, count(r.id)::integer AS reviews
                FROM public.courses c
                LEFT JOIN public.course_reviews r ON r.course_id = c.id AND r.is_published
                GROUP BY c.id$q$,
             '(t.average_rating, t.review_count) IS DISTINCT FROM (x.rating, x.reviews)',
             'average_rating = x.rating, review_count = x.reviews'),
            (4, 'courses.total_revenue', 'public.courses',
             $q$SELECT c.id, GREATEST(0, COALESCE(sum(rt.amount), 0)) AS v
                FROM public.courses c
                LEFT JOIN public.revenue_transactions rt ON rt.course_id = c.id AND rt.payment_status = 'completed'
                GROUP BY c.id$q$,
             't.total_revenue IS DISTINCT FROM x.v',
             'total_revenue = x.v'),
            (5, 'workshops.total_revenue', 'public.workshops',
             $q$SELECT w.id, GREATEST(0, COALESCE(sum(rt.amount), 0)) AS v
                FROM public.workshops w
                LEFT JOIN public.revenue_transactions rt ON rt.workshop_id = w.id AND rt.payment_status = 'completed'
                GROUP BY w.id$q$,
             't.total_revenue IS DISTINCT FROM x.v',
             'total_revenue = x.v'),
            (6, 'instructor_profiles.stats', 'public.instructor_profiles',
             $q$SELECT p.id,
                       COALESCE(st.n, 0) AS students, COALESCE(co.n, 0) AS courses, COALESCE(wo.n, 0) AS workshops,
                       rv.rating, COALESCE(rv.n, 0) AS reviews
                FROM public.instructor_profiles p
                LEFT JOIN (SELECT c.instructor_id, count(DISTINCT e.user_id)::integer AS n
                           FROM public.enrollments e JOIN public.courses c ON c.id = e.course_id
                           GROUP BY c.instructor_id) st ON st.instructor_id = p.user_id
                LEFT JOIN (SELECT c.instructor_id, count(*)::integer AS n
                           FROM public.courses c WHERE c.status = 'published'
                           GROUP BY c.instructor_id) co ON co.instructor_id = p.user_id
                LEFT JOIN (SELECT w.instructor_id, count(*)::integer AS n
                           FROM public.workshops w WHERE w.status IN ('published', 'in_progress', 'completed')
                           GROUP BY w.instructor_id) wo ON wo.instructor_id = p.user_id
                LEFT JOIN (SELECT c.instructor_id, round(avg(r.rating), 2) AS rating, count(*)::integer AS n
                           FROM public.course_reviews r JOIN public.courses c ON c.id = r.course_id
                           WHERE r.is_published
                           GROUP BY c.instructor_id) rv ON rv.instructor_id = p.user_id$q$,
             '(t.total_students, t.total_courses, t.total_workshops, t.average_rating, t.total_reviews) '
                 'IS DISTINCT FROM (x.students, x.courses, x.workshops, x.rating, x.reviews)',
             'total_students = x.students, total_courses = x.courses, total_workshops = x.workshops, '
                 'average_rating = x.rating, total_reviews = x.reviews'),
            (7, 'enrollments.progress', 'public.enrollments',
             $q$SELECT e.id, k.pct,
                       CASE WHEN e.status IN ('enrolled', 'in_progress') AND k.pct = 100
                                THEN 'completed'::public.enrollment_status
                            WHEN e.status = 'enrolled' AND k.pct > 0 THEN 'in_progress'::public.enrollment_status
                            ELSE e.status END AS status,
                       CASE WHEN e.status IN ('enrolled', 'in_progress') AND k.pct = 100
                                THEN COALESCE(e.completed_at, now())
                            ELSE e.completed_at END AS completed_at
                FROM public.enrollments e
                LEFT JOIN (SELECT s.course_id, count(*)::integer AS total
                           FROM public.course_sections s JOIN public.course_lessons l ON l.section_id = s.id
                           GROUP BY s.course_id) lt ON lt.course_id = e.course_id
                LEFT JOIN (SELECT sp.enrollment_id, count(*)::integer AS done
                           FROM public.student_progress sp
                           JOIN public.enrollments pe ON pe.id = sp.enrollment_id
                           JOIN public.course_lessons l ON l.id = sp.lesson_id
                           JOIN public.course_sections s ON s.id = l.section_id AND s.course_id = pe.course_id
                           WHERE sp.is_completed
                           GROUP BY sp.enrollment_id) ld ON ld.enrollment_id = e.id
                CROSS JOIN LATERAL (
                    SELECT CASE WHEN COALESCE(lt.total, 0) = 0 THEN 0
                                ELSE LEAST(100, COALESCE(ld.done, 0) * 100 / lt.total) END AS pct
                ) k$q$,
             '(t.progress_percentage, t.status) IS DISTINCT FROM (x.pct, x.status)',
             'progress_percentage = x.pct, status = x.status, completed_at = x.completed_at')
        ) AS f(ord, name, target, truth, differs, assign)
        ORDER BY f.ord
    LOOP
        IF COALESCE(p_dry_run, false) THEN
            EXECUTE format('SELECT count(*)::integer FROM %s t JOIN (%s) x ON x.id = t.id WHERE %s',
                           v_family.target, v_family.truth, v_family.differs)
                INTO v_n;
        ELSE
            EXECUTE format('UPDATE %s t SET %s FROM (%s) x WHERE x.id = t.id AND %s',
                           v_family.target, v_family.assign, v_family.truth, v_family.differs);
            GET DIAGNOSTICS v_n = ROW_COUNT;
        END IF;
        counter := v_family.name;
        mismatched := v_n;
        RETURN NEXT;
    END LOOP;

    IF NOT COALESCE(p_dry_run, false) THEN
        FOR v_workshop IN SELECT w.id FROM public.workshops w ORDER BY w.id LOOP
            PERFORM public.refresh_workshop_stats(v_workshop);
        END LOOP;
    END IF;
    RETURN;
END;
$$;

REVOKE EXECUTE ON FUNCTION public.get_instructor_dashboard_stats(uuid) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.rebuild_instructor_counters(boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.get_instructor_dashboard_stats(uuid) TO humanglue_app;
