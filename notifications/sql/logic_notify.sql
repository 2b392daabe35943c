-- Notifications logic (spec 40, "Functions"; conventions §2, §3, §7): create_notification(), the two
-- cleanup functions, the five notify_instructor_* trigger functions and their trigger_notify_* triggers
-- on enrollments, workshop_registrations, course_reviews and payments (tables of other apps; created here
-- by conventions §7).
--
-- Every function: plpgsql, SECURITY DEFINER (owner rights: reads rows the writer cannot see, inserts
-- notifications past RLS), search_path pinned, EXECUTE revoked from PUBLIC and granted to nobody
-- (conventions §3: trigger functions need no grant; create_notification and cleanup_* are owner-only).
--
-- Rule shared by the five trigger functions: they never make the business write fail. No recipient
-- (course/workshop missing, courses.instructor_id NULL, no expert), a recipient equal to the acting
-- student, a missing users row or a blank name all end in "no notification" or a fallback text, never
-- in an error. create_notification() itself returns NULL for an unknown recipient.

-- ---------------------------------------------------------------------------------------------
-- create_notification
-- ---------------------------------------------------------------------------------------------
CREATE FUNCTION public.create_notification(
    p_user_id uuid,
    p_type text,
    p_title text,
    p_message text,
    p_data jsonb DEFAULT '{}'::jsonb,
    p_expires_at timestamptz DEFAULT NULL
)
RETURNS uuid
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    v_id uuid;
BEGIN
    IF p_user_id IS NULL THEN
        RETURN NULL;
    END IF;
    -- FOR KEY SHARE: a recipient deleted by a concurrent transaction is waited for and then seen as
    -- missing (NULL, no error) instead of failing the insert's FK check and the caller's business write.
    PERFORM 1 FROM public.users u WHERE u.id = p_user_id FOR KEY SHARE;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    -- type CHECK, valid_notification_data and NOT NULL title/message raise 23514 / 23502 as specified.
    INSERT INTO public.notifications (user_id, type, title, message, data, expires_at)
    VALUES (p_user_id, p_type, p_title, p_message, coalesce(p_data, '{}'::jsonb), p_expires_at)
    RETURNING id INTO v_id;
    RETURN v_id;
END;
$$;

REVOKE EXECUTE ON FUNCTION public.create_notification(uuid, text, text, text, jsonb, timestamptz) FROM PUBLIC;

-- ---------------------------------------------------------------------------------------------
-- cleanup_old_notifications: older than 30 days, or expired; read or unread. No realtime events.
-- ---------------------------------------------------------------------------------------------
CREATE FUNCTION public.cleanup_old_notifications()
RETURNS integer
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    v_previous text := current_setting('app.realtime_suppress', true);
    v_deleted integer;
BEGIN
    PERFORM set_config('app.realtime_suppress', 'on', true);
    DELETE FROM public.notifications n
    WHERE n.created_at < now() - interval '30 days'
       OR (n.expires_at IS NOT NULL AND n.expires_at < now());
    GET DIAGNOSTICS v_deleted = ROW_COUNT;
    -- Back to the caller's value for the rest of its transaction.
    PERFORM set_config('app.realtime_suppress', coalesce(v_previous, ''), true);
    RETURN v_deleted;
END;
$$;

REVOKE EXECUTE ON FUNCTION public.cleanup_old_notifications() FROM PUBLIC;

-- ---------------------------------------------------------------------------------------------
-- cleanup_stale_presence: 1) online/away silent for 5 minutes -> offline (emits events);
-- 2) offline for 24 hours -> deleted (no events). Returns the step-2 count.
-- ---------------------------------------------------------------------------------------------
CREATE FUNCTION public.cleanup_stale_presence()
RETURNS integer
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    v_previous text := current_setting('app.realtime_suppress', true);
    v_deleted integer;
BEGIN
    -- last_seen_at is kept: it stays the true last sighting.
    UPDATE public.student_presence p
    SET status = 'offline', connection_count = 0
    WHERE p.status IN ('online', 'away')
      AND p.last_seen_at < now() - interval '5 minutes';

    PERFORM set_config('app.realtime_suppress', 'on', true);
    DELETE FROM public.student_presence p
    WHERE p.status = 'offline'
      AND p.last_seen_at < now() - interval '24 hours';
    GET DIAGNOSTICS v_deleted = ROW_COUNT;
    PERFORM set_config('app.realtime_suppress', coalesce(v_previous, ''), true);
    RETURN v_deleted;
END;
$$;

REVOKE EXECUTE ON FUNCTION public.cleanup_stale_presence() FROM PUBLIC;

-- ---------------------------------------------------------------------------------------------
-- notify_instructor_new_enrollment: enrollments AFTER INSERT, every row.
-- ---------------------------------------------------------------------------------------------
CREATE FUNCTION public.notify_instructor_new_enrollment()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    v_recipient uuid;
    v_course_title text;
    v_student_name text;
BEGIN
    SELECT c.instructor_id, coalesce(c.title, 'a course')
    INTO v_recipient, v_course_title
    FROM public.courses c
    WHERE c.id = NEW.course_id;
    IF v_recipient IS NULL OR v_recipient = NEW.user_id THEN
        RETURN NULL;
    END IF;

    SELECT nullif(btrim(u.full_name), '') INTO v_student_name FROM public.users u WHERE u.id = NEW.user_id;
    v_student_name := coalesce(v_student_name, 'A student');

    PERFORM public.create_notification(
        v_recipient,
        'enrollment',
        'New Student Enrollment',
        v_student_name || ' enrolled in ' || v_course_title,
        jsonb_build_object(
            'enrollment_id', NEW.id,
            'course_id', NEW.course_id,
            'student_id', NEW.user_id,
            'student_name', v_student_name,
            'course_title', v_course_title
        )
    );
    RETURN NULL;
END;
$$;

REVOKE EXECUTE ON FUNCTION public.notify_instructor_new_enrollment() FROM PUBLIC;

-- ---------------------------------------------------------------------------------------------
-- notify_instructor_workshop_registration: workshop_registrations AFTER INSERT OR UPDATE. Once, when
-- the registration becomes confirmed: confirmed(r) = r.status = 'registered' AND r.payment_status IS
-- NULL or 'completed'; fires iff confirmed(NEW) AND (INSERT OR NOT confirmed(OLD)).
-- ---------------------------------------------------------------------------------------------
CREATE FUNCTION public.notify_instructor_workshop_registration()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    v_recipient uuid;
    v_workshop_title text;
    v_student_name text;
BEGIN
    IF NOT (NEW.status = 'registered' AND (NEW.payment_status IS NULL OR NEW.payment_status = 'completed')) THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE'
       AND OLD.status = 'registered' AND (OLD.payment_status IS NULL OR OLD.payment_status = 'completed') THEN
        RETURN NULL;  -- it was already confirmed: notified then
    END IF;

    SELECT w.instructor_id, coalesce(w.title, 'a workshop')
    INTO v_recipient, v_workshop_title
    FROM public.workshops w
    WHERE w.id = NEW.workshop_id;
    IF v_recipient IS NULL OR v_recipient = NEW.user_id THEN
        RETURN NULL;
    END IF;

    SELECT nullif(btrim(u.full_name), '') INTO v_student_name FROM public.users u WHERE u.id = NEW.user_id;
    v_student_name := coalesce(v_student_name, 'A student');

    PERFORM public.create_notification(
        v_recipient,
        'workshop_registration',
        'New Workshop Registration',
        v_student_name || ' registered for ' || v_workshop_title,
        jsonb_build_object(
            'registration_id', NEW.id,
            'workshop_id', NEW.workshop_id,
            'student_id', NEW.user_id,
            'student_name', v_student_name,
            'workshop_title', v_workshop_title
        )
    );
    RETURN NULL;
END;
$$;

REVOKE EXECUTE ON FUNCTION public.notify_instructor_workshop_registration() FROM PUBLIC;

-- ---------------------------------------------------------------------------------------------
-- notify_instructor_completion: enrollments AFTER UPDATE (no column list: BEFORE triggers may set the
-- status). completed(r) = r.status = 'completed' OR r.completed_at IS NOT NULL; fires iff
-- completed(NEW) AND NOT completed(OLD): once per completion.
-- ---------------------------------------------------------------------------------------------
CREATE FUNCTION public.notify_instructor_completion()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    v_recipient uuid;
    v_course_title text;
    v_student_name text;
BEGIN
    IF NOT (NEW.status = 'completed' OR NEW.completed_at IS NOT NULL)
       OR (OLD.status = 'completed' OR OLD.completed_at IS NOT NULL) THEN
        RETURN NULL;
    END IF;

    SELECT c.instructor_id, coalesce(c.title, 'a course')
    INTO v_recipient, v_course_title
    FROM public.courses c
    WHERE c.id = NEW.course_id;
    IF v_recipient IS NULL OR v_recipient = NEW.user_id THEN
        RETURN NULL;
    END IF;

    SELECT nullif(btrim(u.full_name), '') INTO v_student_name FROM public.users u WHERE u.id = NEW.user_id;
    v_student_name := coalesce(v_student_name, 'A student');

    PERFORM public.create_notification(
        v_recipient,
        'completion',
        'Course Completed',
        v_student_name || ' completed ' || v_course_title,
        jsonb_build_object(
            'enrollment_id', NEW.id,
            'course_id', NEW.course_id,
            'student_id', NEW.user_id,
            'student_name', v_student_name,
            'course_title', v_course_title,
            'completion_rate', NEW.progress_percentage
        )
    );
    RETURN NULL;
END;
$$;

REVOKE EXECUTE ON FUNCTION public.notify_instructor_completion() FROM PUBLIC;

-- ---------------------------------------------------------------------------------------------
-- notify_instructor_new_review: course_reviews AFTER INSERT, every row (published or not).
-- ---------------------------------------------------------------------------------------------
CREATE FUNCTION public.notify_instructor_new_review()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    v_recipient uuid;
    v_course_title text;
    v_student_name text;
BEGIN
    SELECT c.instructor_id, coalesce(c.title, 'a course')
    INTO v_recipient, v_course_title
    FROM public.courses c
    WHERE c.id = NEW.course_id;
    IF v_recipient IS NULL OR v_recipient = NEW.user_id THEN
        RETURN NULL;
    END IF;

    SELECT nullif(btrim(u.full_name), '') INTO v_student_name FROM public.users u WHERE u.id = NEW.user_id;
    v_student_name := coalesce(v_student_name, 'A student');

    PERFORM public.create_notification(
        v_recipient,
        'review',
        'New Course Review',
        v_student_name || ' left a ' || NEW.rating || '-star review for ' || v_course_title,
        jsonb_build_object(
            'review_id', NEW.id,
            'course_id', NEW.course_id,
            'student_id', NEW.user_id,
            'student_name', v_student_name,
            'course_title', v_course_title,
            'rating', NEW.rating,
            -- review_text holds up to 5000 characters: the inbox keeps the first 500; no text -> null.
            'comment', nullif(left(NEW.review_text, 500), '')
        )
    );
    RETURN NULL;
END;
$$;

REVOKE EXECUTE ON FUNCTION public.notify_instructor_new_review() FROM PUBLIC;

-- ---------------------------------------------------------------------------------------------
-- notify_instructor_payment: payments AFTER INSERT OR UPDATE; only on the transition into 'completed'.
-- Recipient by the payment's item: course / workshop instructor, consultation / engagement expert.
-- Subscription and other payments, refunds and items without a recipient notify nobody.
-- ---------------------------------------------------------------------------------------------
CREATE FUNCTION public.notify_instructor_payment()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    v_recipient uuid;
    v_item_title text;
    v_student_name text;
    v_money text;
BEGIN
    IF NEW.status IS DISTINCT FROM 'completed'
       OR (TG_OP = 'UPDATE' AND OLD.status IS NOT DISTINCT FROM 'completed') THEN
        RETURN NULL;
    END IF;

    IF NEW.course_id IS NOT NULL THEN
        SELECT c.instructor_id, coalesce(c.title, 'a course')
        INTO v_recipient, v_item_title
        FROM public.courses c WHERE c.id = NEW.course_id;
    ELSIF NEW.workshop_id IS NOT NULL THEN
        SELECT w.instructor_id, coalesce(w.title, 'a workshop')
        INTO v_recipient, v_item_title
        FROM public.workshops w WHERE w.id = NEW.workshop_id;
    ELSIF NEW.consultation_id IS NOT NULL THEN
        SELECT k.expert_id, coalesce(nullif(btrim(k.title), ''), 'a consultation')
        INTO v_recipient, v_item_title
        FROM public.consultations k WHERE k.id = NEW.consultation_id;
    ELSIF NEW.engagement_request_id IS NOT NULL THEN
        SELECT e.expert_id, coalesce(nullif(btrim(e.title), ''), 'an engagement')
        INTO v_recipient, v_item_title
        FROM public.engagement_requests e WHERE e.id = NEW.engagement_request_id;
    END IF;
    IF v_recipient IS NULL OR v_recipient = NEW.user_id THEN
        RETURN NULL;
    END IF;

    SELECT nullif(btrim(u.full_name), '') INTO v_student_name FROM public.users u WHERE u.id = NEW.user_id;
    v_student_name := coalesce(v_student_name, 'A student');

    -- Major units as stored (numeric(10,2)), never divided by 100. USD: '$1,234.50'; else '49.00 EUR'.
    IF NEW.currency = 'USD' THEN
        v_money := '$' || to_char(NEW.amount, 'FM99,999,999,990.00');
    ELSE
        v_money := to_char(NEW.amount, 'FM99999999990.00') || ' ' || NEW.currency;
    END IF;

    PERFORM public.create_notification(
        v_recipient,
        'payment',
        'Payment Received',
        'Payment of ' || v_money || ' received from ' || v_student_name,
        jsonb_build_object(
            'payment_id', NEW.id,
            'amount', NEW.amount,
            'currency', NEW.currency,
            'student_id', NEW.user_id,
            'student_name', v_student_name,
            'item_title', v_item_title,
            'course_id', NEW.course_id,
            'workshop_id', NEW.workshop_id,
            'consultation_id', NEW.consultation_id,
            'engagement_request_id', NEW.engagement_request_id
        )
    );
    RETURN NULL;
END;
$$;

REVOKE EXECUTE ON FUNCTION public.notify_instructor_payment() FROM PUBLIC;

-- ---------------------------------------------------------------------------------------------
-- The five triggers (names from contract.json; AFTER ... FOR EACH ROW). Among same-event AFTER triggers
-- they fire in name order: on enrollments after log_enrollment_activity_trigger and before
-- update_instructor_stats_from_enrollments_trigger (spec 30 §2); they take no locks.
-- ---------------------------------------------------------------------------------------------
CREATE TRIGGER trigger_notify_new_enrollment
    AFTER INSERT ON public.enrollments
    FOR EACH ROW EXECUTE FUNCTION public.notify_instructor_new_enrollment();

CREATE TRIGGER trigger_notify_completion
    AFTER UPDATE ON public.enrollments
    FOR EACH ROW EXECUTE FUNCTION public.notify_instructor_completion();

CREATE TRIGGER trigger_notify_workshop_registration
    AFTER INSERT OR UPDATE ON public.workshop_registrations
    FOR EACH ROW EXECUTE FUNCTION public.notify_instructor_workshop_registration();

CREATE TRIGGER trigger_notify_new_review
    AFTER INSERT ON public.course_reviews
    FOR EACH ROW EXECUTE FUNCTION public.notify_instructor_new_review();

CREATE TRIGGER trigger_notify_payment
    AFTER INSERT OR UPDATE ON public.payments
    FOR EACH ROW EXECUTE FUNCTION public.notify_instructor_payment();
