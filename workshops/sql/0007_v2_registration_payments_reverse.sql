-- Reverse of 0007_v2_registration_payments.sql: the grants, triggers and functions it added are removed, and
-- the two functions it replaced get their landed definitions back (enforce_workshop_registration_rules from
-- 0005_v2_registration_rules.sql, get_user_workshop_history from logic.sql).

REVOKE EXECUTE ON FUNCTION
    app.lock_workshop_for_admission(uuid, uuid),
    app.workshop_price_now(uuid)
FROM humanglue_system;

DROP TRIGGER IF EXISTS guard_workshop_feedback_columns ON public.workshop_feedback;
DROP TRIGGER IF EXISTS guard_workshops_restricted_columns ON public.workshops;
DROP TRIGGER IF EXISTS validate_workshop_registration_pointers ON public.workshop_registrations;
DROP FUNCTION IF EXISTS app.guard_workshop_feedback_columns();
DROP FUNCTION IF EXISTS app.guard_workshops_restricted_columns();
DROP FUNCTION IF EXISTS app.validate_workshop_registration_pointers();

CREATE OR REPLACE FUNCTION public.enforce_workshop_registration_rules()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
AS $$
DECLARE
    v_system boolean;
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

    v_system := (SELECT app.is_system_context());
    v_staff := v_system
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

    -- Organization attribution (request traffic only; imports and repairs run as the owner).
    IF NOT v_system THEN
        IF TG_OP = 'UPDATE' AND NEW.organization_id IS DISTINCT FROM OLD.organization_id
           AND NOT (SELECT app.is_platform_admin()) THEN
            RAISE EXCEPTION 'only a platform admin may change the organization of a registration'
                USING ERRCODE = '42501', CONSTRAINT = 'restricted_column';
        END IF;
        IF NEW.organization_id IS NOT NULL
           AND (TG_OP = 'INSERT' OR NEW.organization_id IS DISTINCT FROM OLD.organization_id)
           AND NOT app.user_belongs_to_org(NEW.user_id, NEW.organization_id) THEN
            RAISE EXCEPTION 'the registrant does not belong to organization %', NEW.organization_id
                USING ERRCODE = '42501', CONSTRAINT = 'user_outside_organization';
        END IF;
    END IF;

    -- 4. Admission: entering a seat-holding status from no row, waitlisted or cancelled, or entering
    --    waitlisted explicitly.
    IF (NEW.status IN ('registered', 'attended', 'no_show')
            AND (TG_OP = 'INSERT' OR OLD.status IN ('waitlisted', 'cancelled')))
       OR (NEW.status = 'waitlisted' AND (TG_OP = 'INSERT' OR OLD.status <> 'waitlisted')) THEN
        IF v_system THEN
            SELECT s.is_open, s.capacity_total, s.waitlist_enabled, s.taken_seats
              INTO v_open, v_capacity, v_waitlist, v_taken
              FROM app.lock_workshop_for_admission(NEW.workshop_id, NEW.id) s;
        ELSE
            SELECT s.is_open, s.capacity_total, s.waitlist_enabled, s.taken_seats
              INTO v_open, v_capacity, v_waitlist, v_taken
              FROM public.workshop_admission_state(NEW.workshop_id, NEW.id) s;
        END IF;
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
        IF v_system THEN
            NEW.price_paid := app.workshop_price_now(NEW.workshop_id);
        ELSE
            NEW.price_paid := public.workshop_current_price(NEW.workshop_id);
        END IF;
    END IF;
    IF (TG_OP = 'INSERT' OR v_reregistration) AND NEW.payment_status IS NULL
       AND NEW.status = 'registered' AND NEW.price_paid > 0 THEN
        NEW.payment_status := 'pending';
    END IF;

    -- 6. Bookkeeping (every writer, system context included).
    IF TG_OP = 'INSERT' THEN
        IF NEW.organization_id IS NULL THEN
            SELECT u.organization_id INTO NEW.organization_id FROM public.users u WHERE u.id = NEW.user_id;
        END IF;
        NEW.status_changed_at := now();
    ELSIF NEW.status IS DISTINCT FROM OLD.status THEN
        NEW.status_changed_at := now();
    ELSIF NOT v_system THEN
        -- Derived: only the owner (imports, repairs) may write it without a status change.
        NEW.status_changed_at := OLD.status_changed_at;
    END IF;
    -- completed_at is derived for every writer: set on becoming attended (an imported value is kept),
    -- never cleared while attended, NULL in every other status (it used to survive a staff write on a
    -- row that was not attended).
    IF NEW.status = 'attended' THEN
        IF NEW.completed_at IS NULL THEN
            IF TG_OP = 'UPDATE' AND OLD.status = 'attended' THEN
                NEW.completed_at := coalesce(OLD.completed_at, now());
            ELSE
                NEW.completed_at := now();
            END IF;
        END IF;
    ELSE
        NEW.completed_at := NULL;
    END IF;

    RETURN NEW;
END
$$;


CREATE OR REPLACE FUNCTION public.get_user_workshop_history(p_user_id uuid)
RETURNS TABLE (
    workshop_id uuid,
    workshop_title text,
    status text,
    registered_at timestamp with time zone,
    completed_at timestamp with time zone,
    rating integer,
    certificate_id uuid,
    registration_id uuid,
    workshop_status text,
    start_time timestamp with time zone,
    end_time timestamp with time zone,
    price_paid numeric,
    payment_status text,
    waitlist_position integer
)
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
#variable_conflict use_column
BEGIN
    IF p_user_id IS NULL THEN
        RETURN;
    END IF;
    IF NOT coalesce(p_user_id = app.current_user_id()
                    OR app.is_platform_admin()
                    OR app.is_org_admin((SELECT u.organization_id FROM public.users u WHERE u.id = p_user_id)),
                    false) THEN
        RAISE EXCEPTION 'not allowed to read the workshop history of this user'
            USING ERRCODE = '42501';
    END IF;

    RETURN QUERY
    SELECT r.workshop_id,
           w.title,
           r.status::text,
           r.registered_at,
           r.completed_at,
           f.overall_satisfaction,
           r.certificate_id,
           r.id,
           w.status::text,
           w.start_time,
           w.end_time,
           r.price_paid,
           r.payment_status::text,
           CASE
               WHEN r.status = 'waitlisted' THEN (
                   SELECT count(*)::integer
                     FROM public.workshop_registrations q
                    WHERE q.workshop_id = r.workshop_id
                      AND q.status = 'waitlisted'
                      AND (q.status_changed_at, q.id) <= (r.status_changed_at, r.id))
           END
      FROM public.workshop_registrations r
      JOIN public.workshops w ON w.id = r.workshop_id
      LEFT JOIN public.workshop_feedback f ON f.registration_id = r.id
     WHERE r.user_id = p_user_id
     ORDER BY r.registered_at DESC, r.id;
END
$$;
