-- Row-level security of the notifications app (spec 40; conventions §1, §2, §11, §12).
-- Tables: notifications, student_presence. RLS is enabled, never forced: the owner (migrations,
-- SECURITY DEFINER functions such as create_notification(), the realtime listener) bypasses it.
-- Helpers used (no new helper, spec 40): app.current_user_id(), app.is_platform_admin()
-- (organizations), app.is_instructor_of_course(), app.is_enrolled_in_course() (instructors),
-- app.is_workshop_instructor() (workshops). Argument-free helpers are wrapped in (SELECT ...).
-- No guard trigger: the column-level UPDATE grants below are the column protection spec 40 asks for.

-- ---------------------------------------------------------------------------------------------
-- notifications
-- ---------------------------------------------------------------------------------------------
ALTER TABLE public.notifications ENABLE ROW LEVEL SECURITY;

-- Grants (conventions §1): SELECT, INSERT, DELETE; UPDATE on read_at only (mark read / unread).
GRANT SELECT, INSERT, DELETE ON TABLE public.notifications TO humanglue_app;
GRANT UPDATE (read_at) ON TABLE public.notifications TO humanglue_app;

CREATE POLICY notifications_select_own ON public.notifications
    FOR SELECT
    USING (user_id = (SELECT app.current_user_id()));

-- NEW (spec 40): a user can write only into their own inbox.
CREATE POLICY notifications_insert_own ON public.notifications
    FOR INSERT
    WITH CHECK (user_id = (SELECT app.current_user_id()));

CREATE POLICY notifications_update_own ON public.notifications
    FOR UPDATE
    USING (user_id = (SELECT app.current_user_id()))
    WITH CHECK (user_id = (SELECT app.current_user_id()));

CREATE POLICY notifications_delete_own ON public.notifications
    FOR DELETE
    USING (user_id = (SELECT app.current_user_id()));

-- NEW (spec 40): admin override (staff support, announcements to any user).
CREATE POLICY notifications_admin_all ON public.notifications
    FOR ALL
    USING ((SELECT app.is_platform_admin()))
    WITH CHECK ((SELECT app.is_platform_admin()));

-- ---------------------------------------------------------------------------------------------
-- student_presence
-- ---------------------------------------------------------------------------------------------
ALTER TABLE public.student_presence ENABLE ROW LEVEL SECURITY;

-- Grants (conventions §1): SELECT, INSERT, DELETE; UPDATE on the four live-status columns only
-- (user_id, course_id, workshop_id are routing columns and stay immutable for the app role).
GRANT SELECT, INSERT, DELETE ON TABLE public.student_presence TO humanglue_app;
GRANT UPDATE (status, last_seen_at, metadata, connection_count) ON TABLE public.student_presence TO humanglue_app;

-- A user sees their own rows; the instructor of a course/workshop sees every row of it.
-- Students never see other students' presence.
CREATE POLICY presence_select_instructor ON public.student_presence
    FOR SELECT
    USING (
        user_id = (SELECT app.current_user_id())
        OR app.is_instructor_of_course(course_id)
        OR app.is_workshop_instructor(workshop_id)
    );

-- <may be present in target> (spec 40): course -> its instructor or an active enrollment
-- (app.is_enrolled_in_course: not dropped, not expired); workshop -> its instructor or a
-- registration of the caller with status registered/attended. No policy on
-- workshop_registrations reads student_presence, so the subquery cannot recurse; it runs under
-- the caller's RLS, where registrations_own_read shows the caller's own rows.
CREATE POLICY presence_insert_own ON public.student_presence
    FOR INSERT
    WITH CHECK (
        user_id = (SELECT app.current_user_id())
        AND (
            (course_id IS NOT NULL
             AND (app.is_instructor_of_course(course_id) OR app.is_enrolled_in_course(course_id)))
            OR (workshop_id IS NOT NULL
                AND (app.is_workshop_instructor(workshop_id)
                     OR EXISTS (
                         SELECT 1
                         FROM public.workshop_registrations r
                         WHERE r.workshop_id = student_presence.workshop_id
                           AND r.user_id = (SELECT app.current_user_id())
                           AND r.status IN ('registered', 'attended'))))
        )
    );

-- Going offline is always allowed (a student whose enrollment was dropped mid-session can still
-- leave); staying online/away needs <may be present in target>.
CREATE POLICY presence_update_own ON public.student_presence
    FOR UPDATE
    USING (user_id = (SELECT app.current_user_id()))
    WITH CHECK (
        user_id = (SELECT app.current_user_id())
        AND (
            status = 'offline'
            OR (course_id IS NOT NULL
                AND (app.is_instructor_of_course(course_id) OR app.is_enrolled_in_course(course_id)))
            OR (workshop_id IS NOT NULL
                AND (app.is_workshop_instructor(workshop_id)
                     OR EXISTS (
                         SELECT 1
                         FROM public.workshop_registrations r
                         WHERE r.workshop_id = student_presence.workshop_id
                           AND r.user_id = (SELECT app.current_user_id())
                           AND r.status IN ('registered', 'attended'))))
        )
    );

-- NEW (spec 40): the original granted DELETE but had no policy.
CREATE POLICY presence_delete_own ON public.student_presence
    FOR DELETE
    USING (user_id = (SELECT app.current_user_id()));

-- NEW (spec 40): admin override.
CREATE POLICY presence_admin_all ON public.student_presence
    FOR ALL
    USING ((SELECT app.is_platform_admin()))
    WITH CHECK ((SELECT app.is_platform_admin()));
