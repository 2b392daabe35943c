-- The database half of realtime (spec 40, "Realtime bridge"): one shared trigger function that sends a
-- pg_notify on channel humanglue_realtime for every row change of the 7 realtime tables, and the 7
-- realtime_notify_<table> triggers (AFTER INSERT OR UPDATE OR DELETE, FOR EACH ROW). No publication.
--
-- Payload: {"v":1,"table","op","id"} plus the non-null routing keys user_id, instructor_id, course_id,
-- workshop_id, organization_id (NEW, or OLD for DELETE). Ids only, never row content, so a payload is
-- at most ~350 bytes (< 600; NOTIFY's limit is 8000) and harmless to any session that LISTENs.
-- PostgreSQL delivers it at commit only; a rolled-back change reaches nobody.

CREATE FUNCTION public.realtime_notify_change()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER  -- looks up the instructor/expert of rows the writer may not be able to read
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    r record;
    v_user uuid;
    v_instructor uuid;
    v_course uuid;
    v_workshop uuid;
    v_org uuid;
BEGIN
    -- Cleanup functions, bulk seeding and imports switch events off for their writes.
    IF current_setting('app.realtime_suppress', true) = 'on' THEN
        RETURN NULL;
    END IF;

    IF TG_OP = 'UPDATE' THEN
        IF NEW IS NOT DISTINCT FROM OLD THEN
            RETURN NULL;  -- nothing changed
        END IF;
        -- Presence heartbeats (only last_seen_at and/or connection_count changed) are silent.
        IF TG_TABLE_NAME = 'student_presence'
           AND to_jsonb(NEW) - 'last_seen_at' - 'connection_count'
               = to_jsonb(OLD) - 'last_seen_at' - 'connection_count' THEN
            RETURN NULL;
        END IF;
    END IF;

    IF TG_OP = 'DELETE' THEN
        r := OLD;
    ELSE
        r := NEW;
    END IF;

    -- Routing keys per table (spec 40, "Routing keys per table"). plpgsql compiles a trigger function
    -- once per trigger, so each branch only ever sees its own table's row type.
    CASE TG_TABLE_NAME
        WHEN 'notifications' THEN
            v_user := r.user_id;
        WHEN 'enrollments' THEN
            v_user := r.user_id;
            v_course := r.course_id;
            v_org := r.organization_id;
            SELECT c.instructor_id INTO v_instructor FROM public.courses c WHERE c.id = r.course_id;
        WHEN 'workshop_registrations' THEN
            v_user := r.user_id;
            v_workshop := r.workshop_id;
            v_org := r.organization_id;
            SELECT w.instructor_id INTO v_instructor FROM public.workshops w WHERE w.id = r.workshop_id;
        WHEN 'student_activity' THEN
            v_user := r.student_id;
            v_instructor := r.instructor_id;
            v_course := r.course_id;
            v_workshop := r.workshop_id;
        WHEN 'course_reviews' THEN
            v_user := r.user_id;
            v_course := r.course_id;
            SELECT c.instructor_id INTO v_instructor FROM public.courses c WHERE c.id = r.course_id;
        WHEN 'student_presence' THEN
            v_user := r.user_id;
            v_course := r.course_id;
            v_workshop := r.workshop_id;
            IF r.course_id IS NOT NULL THEN
                SELECT c.instructor_id INTO v_instructor FROM public.courses c WHERE c.id = r.course_id;
            ELSE
                SELECT w.instructor_id INTO v_instructor FROM public.workshops w WHERE w.id = r.workshop_id;
            END IF;
        WHEN 'payments' THEN
            v_user := r.user_id;
            v_course := r.course_id;
            v_workshop := r.workshop_id;
            v_org := r.organization_id;
            -- instructor_id = the recipient of the payment notification.
            IF r.course_id IS NOT NULL THEN
                SELECT c.instructor_id INTO v_instructor FROM public.courses c WHERE c.id = r.course_id;
            ELSIF r.workshop_id IS NOT NULL THEN
                SELECT w.instructor_id INTO v_instructor FROM public.workshops w WHERE w.id = r.workshop_id;
            ELSIF r.consultation_id IS NOT NULL THEN
                SELECT k.expert_id INTO v_instructor FROM public.consultations k WHERE k.id = r.consultation_id;
            ELSIF r.engagement_request_id IS NOT NULL THEN
                SELECT e.expert_id INTO v_instructor
                FROM public.engagement_requests e WHERE e.id = r.engagement_request_id;
            END IF;
        ELSE
            NULL;  -- not a realtime table of the contract: table, op and id only
    END CASE;

    PERFORM pg_notify(
        'humanglue_realtime',
        jsonb_strip_nulls(jsonb_build_object(
            'v', 1,
            'table', TG_TABLE_NAME,
            'op', TG_OP,
            'id', r.id,
            'user_id', v_user,
            'instructor_id', v_instructor,
            'course_id', v_course,
            'workshop_id', v_workshop,
            'organization_id', v_org
        ))::text
    );
    RETURN NULL;
END;
$$;

REVOKE EXECUTE ON FUNCTION public.realtime_notify_change() FROM PUBLIC;

CREATE TRIGGER realtime_notify_notifications
    AFTER INSERT OR UPDATE OR DELETE ON public.notifications
    FOR EACH ROW EXECUTE FUNCTION public.realtime_notify_change();

CREATE TRIGGER realtime_notify_enrollments
    AFTER INSERT OR UPDATE OR DELETE ON public.enrollments
    FOR EACH ROW EXECUTE FUNCTION public.realtime_notify_change();

CREATE TRIGGER realtime_notify_workshop_registrations
    AFTER INSERT OR UPDATE OR DELETE ON public.workshop_registrations
    FOR EACH ROW EXECUTE FUNCTION public.realtime_notify_change();

CREATE TRIGGER realtime_notify_student_activity
    AFTER INSERT OR UPDATE OR DELETE ON public.student_activity
    FOR EACH ROW EXECUTE FUNCTION public.realtime_notify_change();

CREATE TRIGGER realtime_notify_course_reviews
    AFTER INSERT OR UPDATE OR DELETE ON public.course_reviews
    FOR EACH ROW EXECUTE FUNCTION public.realtime_notify_change();

CREATE TRIGGER realtime_notify_student_presence
    AFTER INSERT OR UPDATE OR DELETE ON public.student_presence
    FOR EACH ROW EXECUTE FUNCTION public.realtime_notify_change();

CREATE TRIGGER realtime_notify_payments
    AFTER INSERT OR UPDATE OR DELETE ON public.payments
    FOR EACH ROW EXECUTE FUNCTION public.realtime_notify_change();
