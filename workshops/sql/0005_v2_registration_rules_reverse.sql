-- Reverse of 0005_v2_registration_rules.sql: the landed definitions (workshops/sql/logic.sql and rls.sql)
-- of the four functions and the policy it replaced, then the two owner-only helpers it added.

CREATE OR REPLACE FUNCTION public.workshop_current_price(p_workshop_id uuid)
RETURNS numeric
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
    SELECT CASE
               WHEN w.price_early_bird IS NOT NULL
                    AND (w.early_bird_deadline IS NULL OR now() < w.early_bird_deadline)
               THEN w.price_early_bird
               ELSE w.price_amount
           END::numeric(10,2)
    FROM public.workshops w
    WHERE w.id = p_workshop_id;
$$;

CREATE OR REPLACE FUNCTION public.workshop_admission_state(p_workshop_id uuid, p_registration_id uuid)
RETURNS TABLE (is_open boolean, capacity_total integer, waitlist_enabled boolean, taken_seats integer)
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_open boolean;
    v_capacity integer;
    v_waitlist boolean;
    v_taken integer;
BEGIN
    SELECT w.status = 'published' AND w.end_time > now(), w.capacity_total, w.waitlist_enabled
      INTO v_open, v_capacity, v_waitlist
      FROM public.workshops w
     WHERE w.id = p_workshop_id
       FOR UPDATE;
    IF NOT FOUND THEN
        RETURN;
    END IF;

    SELECT count(*)::integer
      INTO v_taken
      FROM public.workshop_registrations r
     WHERE r.workshop_id = p_workshop_id
       AND r.status IN ('registered', 'attended', 'no_show')
       AND (p_registration_id IS NULL OR r.id <> p_registration_id);

    is_open := v_open;
    capacity_total := v_capacity;
    waitlist_enabled := v_waitlist;
    taken_seats := v_taken;
    RETURN NEXT;
END
$$;

CREATE OR REPLACE FUNCTION public.enforce_workshop_registration_rules()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
AS $$
DECLARE
    v_staff boolean;
    v_reregistration boolean := false;
    v_status public.registration_status;
    v_metadata jsonb;
    v_open boolean;
    v_capacity integer;
    v_waitlist boolean;
    v_taken integer;
BEGIN
    -- 1. Immutable columns.
    IF TG_OP = 'UPDATE'
       AND (NEW.workshop_id IS DISTINCT FROM OLD.workshop_id OR NEW.user_id IS DISTINCT FROM OLD.user_id) THEN
        RAISE EXCEPTION 'workshop_id and user_id of a registration cannot change'
            USING ERRCODE = '23514', CONSTRAINT = 'immutable_column';
    END IF;

    v_staff := (SELECT app.is_system_context())
               OR (SELECT app.is_platform_admin())
               OR app.is_workshop_instructor(NEW.workshop_id);

    IF NOT v_staff THEN
        IF TG_OP = 'INSERT' THEN
            -- 2. Server-owned columns of a new registration.
            NEW.payment_id := NULL;
            NEW.attendance_duration_minutes := NULL;
            NEW.attendance_percentage := NULL;
            NEW.completed_at := NULL;
            NEW.certificate_id := NULL;
            NEW.registered_at := now();
            NEW.price_paid := NULL;
            NEW.payment_status := NULL;
            -- 3. A registrant asks for a seat; the waitlist is the database's decision.
            IF NEW.status IS NULL OR NEW.status NOT IN ('registered', 'waitlisted') THEN
                RAISE EXCEPTION 'a registrant may only register (requested status %)', NEW.status
                    USING ERRCODE = '42501', CONSTRAINT = 'registration_transition_forbidden';
            END IF;
            NEW.status := 'registered';
        ELSE
            -- 2. Only status and metadata are the registrant's to change.
            v_status := NEW.status;
            v_metadata := NEW.metadata;
            NEW := OLD;
            NEW.status := v_status;
            NEW.metadata := v_metadata;
            -- 3. Allowed transitions.
            IF NEW.status IS DISTINCT FROM OLD.status THEN
                IF OLD.status IN ('registered', 'waitlisted') AND NEW.status = 'cancelled' THEN
                    NULL;
                ELSIF OLD.status = 'cancelled' AND NEW.status IN ('registered', 'waitlisted') THEN
                    NEW.status := 'registered';
                    v_reregistration := true;
                    NEW.price_paid := NULL;
                    NEW.payment_status := NULL;
                    NEW.payment_id := NULL;
                ELSE
                    RAISE EXCEPTION 'a registrant may not change status from % to %', OLD.status, NEW.status
                        USING ERRCODE = '42501', CONSTRAINT = 'registration_transition_forbidden';
                END IF;
            END IF;
        END IF;
    ELSIF TG_OP = 'UPDATE' AND OLD.status = 'cancelled' AND NEW.status IN ('registered', 'waitlisted') THEN
        v_reregistration := true;
    END IF;

    -- 4. Admission: entering a seat-holding status from no row, waitlisted or cancelled, or entering
    --    waitlisted explicitly.
    IF (NEW.status IN ('registered', 'attended', 'no_show')
            AND (TG_OP = 'INSERT' OR OLD.status IN ('waitlisted', 'cancelled')))
       OR (NEW.status = 'waitlisted' AND (TG_OP = 'INSERT' OR OLD.status <> 'waitlisted')) THEN
        SELECT s.is_open, s.capacity_total, s.waitlist_enabled, s.taken_seats
          INTO v_open, v_capacity, v_waitlist, v_taken
          FROM public.workshop_admission_state(NEW.workshop_id, NEW.id) s;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'workshop % does not exist', NEW.workshop_id
                USING ERRCODE = '23503', CONSTRAINT = 'workshop_not_found';
        END IF;
        IF NEW.status IN ('registered', 'waitlisted') AND NOT v_open THEN
            RAISE EXCEPTION 'workshop % is not open for registration', NEW.workshop_id
                USING ERRCODE = '23514', CONSTRAINT = 'workshop_not_open';
        END IF;
        IF v_taken < v_capacity THEN
            NULL;  -- a free seat: admitted with the target status (an explicit waitlisted stays waitlisted)
        ELSIF NEW.status = 'registered' AND (TG_OP = 'INSERT' OR OLD.status = 'cancelled') AND v_waitlist THEN
            NEW.status := 'waitlisted';
        ELSIF NEW.status = 'waitlisted' AND v_waitlist THEN
            NULL;  -- staff putting someone on the waitlist of a full workshop: takes no seat
        ELSE
            RAISE EXCEPTION 'workshop % is full (% of % seats taken)', NEW.workshop_id, v_taken, v_capacity
                USING ERRCODE = '23505', CONSTRAINT = 'workshop_full';
        END IF;
    END IF;

    -- 5. Price and payment hold.
    IF NEW.price_paid IS NULL THEN
        NEW.price_paid := public.workshop_current_price(NEW.workshop_id);
    END IF;
    IF (TG_OP = 'INSERT' OR v_reregistration) AND NEW.payment_status IS NULL
       AND NEW.status = 'registered' AND NEW.price_paid > 0 THEN
        NEW.payment_status := 'pending';
    END IF;

    -- 6. Bookkeeping.
    IF TG_OP = 'INSERT' THEN
        IF NEW.organization_id IS NULL THEN
            SELECT u.organization_id INTO NEW.organization_id FROM public.users u WHERE u.id = NEW.user_id;
        END IF;
        NEW.status_changed_at := now();
    ELSIF NEW.status IS DISTINCT FROM OLD.status THEN
        NEW.status_changed_at := now();
    ELSIF NOT (SELECT app.is_system_context()) THEN
        -- Derived: only the owner (imports, repairs) may write it without a status change.
        NEW.status_changed_at := OLD.status_changed_at;
    END IF;
    IF NEW.status = 'attended' THEN
        IF (TG_OP = 'INSERT' OR OLD.status IS DISTINCT FROM 'attended') AND NEW.completed_at IS NULL THEN
            NEW.completed_at := now();
        END IF;
    ELSIF TG_OP = 'UPDATE' AND OLD.status = 'attended' THEN
        NEW.completed_at := NULL;
    END IF;

    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION public.derive_workshop_columns()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.enrolled_count := 0;
        NEW.waitlist_count := 0;
        NEW.attended_count := 0;
        NEW.feedback_count := 0;
        NEW.average_satisfaction := NULL;
        NEW.total_revenue := 0;
        NEW.capacity_remaining := NEW.capacity_total;
    ELSE
        IF NEW.id IS DISTINCT FROM OLD.id THEN
            RAISE EXCEPTION 'the id of a workshop cannot change'
                USING ERRCODE = '23514', CONSTRAINT = 'immutable_column';
        END IF;
        SELECT count(*) FILTER (WHERE r.status IN ('registered', 'attended', 'no_show'))::integer,
               count(*) FILTER (WHERE r.status = 'waitlisted')::integer,
               count(*) FILTER (WHERE r.status = 'attended')::integer
          INTO NEW.enrolled_count, NEW.waitlist_count, NEW.attended_count
          FROM public.workshop_registrations r
         WHERE r.workshop_id = NEW.id;
        SELECT round(avg(f.overall_satisfaction), 2), count(*)::integer
          INTO NEW.average_satisfaction, NEW.feedback_count
          FROM public.workshop_feedback f
         WHERE f.workshop_id = NEW.id;
        IF NEW.capacity_total < NEW.enrolled_count THEN
            RAISE EXCEPTION 'capacity_total % is below the % seats already taken', NEW.capacity_total,
                NEW.enrolled_count
                USING ERRCODE = '23505', CONSTRAINT = 'capacity_below_taken_seats';
        END IF;
        NEW.capacity_remaining := NEW.capacity_total - NEW.enrolled_count;
        -- Set the first time the workshop is published, never cleared or rewritten.
        NEW.published_at := OLD.published_at;
    END IF;

    IF NEW.duration_minutes IS NULL THEN
        NEW.duration_minutes := floor(extract(epoch FROM (NEW.end_time - NEW.start_time)) / 60)::integer;
    END IF;
    -- pg_timezone_names reads the whole time zone database (about 50 ms): only for a new value, and
    -- not for the default 'UTC' (always one of its names).
    IF (TG_OP = 'INSERT' OR NEW.timezone IS DISTINCT FROM OLD.timezone)
       AND NEW.timezone IS DISTINCT FROM 'UTC'
       AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_timezone_names z WHERE z.name = NEW.timezone) THEN
        RAISE EXCEPTION 'unknown time zone %', NEW.timezone
            USING ERRCODE = '23514', CONSTRAINT = 'invalid_timezone';
    END IF;
    IF NEW.status = 'published' AND NEW.published_at IS NULL THEN
        NEW.published_at := now();
    END IF;
    RETURN NEW;
END
$$;

ALTER POLICY workshops_instructor_update ON public.workshops
    USING (instructor_id = (SELECT app.current_user_id()))
    WITH CHECK (instructor_id = (SELECT app.current_user_id()));

DROP FUNCTION IF EXISTS app.workshop_price_now(uuid);
DROP FUNCTION IF EXISTS app.lock_workshop_for_admission(uuid, uuid);
