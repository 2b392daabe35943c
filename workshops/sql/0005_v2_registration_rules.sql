-- Workshops v2 (issue 9): who may lock a workshop and read a draft's price (item 10), organization
-- attribution of registrations and workshops (item 6), a capacity below one is a validation error (item 13).
-- Loaded by workshops/0005_v2_registration_rules. The reverse file restores the landed definitions.
--
-- workshop_admission_state() and workshop_current_price() are SECURITY DEFINER and granted to the app role
-- (the INVOKER registration trigger calls them as the writer, conventions §3), so anyone could call them:
-- anonymous callers locked any workshop FOR UPDATE until their transaction ended (the anonymous INSERT did
-- it too: the BEFORE trigger locked, RLS refused only afterwards, and the aborted transaction kept the lock)
-- and read the capacity, seats and price of drafts. Now:
-- - the lock and the count live in app.lock_workshop_for_admission() and the price rule in
--   app.workshop_price_now(), both owner-only (no grant to the app role);
-- - the two granted functions check the caller first; a definer cannot tell system context from the
--   app role, so the registration trigger (INVOKER, it can) calls the owner-only helpers in system
--   context and the checked functions otherwise.
--
-- Error reasons added: 42501 admission_state_forbidden, user_outside_organization, restricted_column;
-- 23514 workshops_capacity_total_check (the name of the CHECK it anticipates).

-- =============================================================================================
-- Owner-only helpers (no EXECUTE for humanglue_app): the landed bodies of the two functions.
-- =============================================================================================
CREATE FUNCTION app.lock_workshop_for_admission(p_workshop_id uuid, p_registration_id uuid)
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

    -- A new statement: under READ COMMITTED it sees what the previous holder of the lock committed.
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

CREATE FUNCTION app.workshop_price_now(p_workshop_id uuid)
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

REVOKE EXECUTE ON FUNCTION
    app.lock_workshop_for_admission(uuid, uuid),
    app.workshop_price_now(uuid)
FROM PUBLIC;

-- =============================================================================================
-- §6.1 workshop_current_price(uuid): the price of a workshop the caller may read (the audience of the
-- workshops SELECT policies); NULL otherwise, as for an unknown id. A published price is public.
-- =============================================================================================
CREATE OR REPLACE FUNCTION public.workshop_current_price(p_workshop_id uuid)
RETURNS numeric
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
    SELECT app.workshop_price_now(w.id)
    FROM public.workshops w
    WHERE w.id = p_workshop_id
      AND (w.status = 'published'
           OR w.instructor_id = app.current_user_id()
           OR app.is_workshop_registrant(w.id)
           OR (w.organization_id IS NOT NULL AND w.status <> 'draft' AND app.is_org_member(w.organization_id))
           OR (w.organization_id IS NOT NULL AND app.is_org_admin(w.organization_id))
           OR app.is_platform_admin());
$$;

-- =============================================================================================
-- §6.2a workshop_admission_state(workshop, registration), checked. Only a signed-in, active caller:
-- - staff for the workshop (its instructor, a platform admin) get the state under the lock, open or not
--   (walk-ins are recorded on closed workshops);
-- - anyone else may only be registering themselves: a registration id that is someone else's is refused,
--   and a workshop that is not open for registration is answered "closed" without the lock and without
--   its capacity or seats (the trigger then refuses with workshop_not_open);
-- - an open workshop is locked as before: whoever may register for it could hold the lock anyway.
-- Owner writes never come here (the trigger calls app.lock_workshop_for_admission in system context).
-- =============================================================================================
CREATE OR REPLACE FUNCTION public.workshop_admission_state(p_workshop_id uuid, p_registration_id uuid)
RETURNS TABLE (is_open boolean, capacity_total integer, waitlist_enabled boolean, taken_seats integer)
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_uid uuid := app.current_user_id();
    v_instructor uuid;
    v_open boolean;
BEGIN
    IF v_uid IS NULL OR NOT EXISTS (SELECT 1 FROM public.users u WHERE u.id = v_uid AND u.is_active) THEN
        RAISE EXCEPTION 'only a signed-in user may ask for the admission state of a workshop'
            USING ERRCODE = '42501', CONSTRAINT = 'admission_state_forbidden';
    END IF;
    SELECT w.instructor_id, w.status = 'published' AND w.end_time > now()
      INTO v_instructor, v_open
      FROM public.workshops w
     WHERE w.id = p_workshop_id;
    IF NOT FOUND THEN
        RETURN;
    END IF;

    IF v_instructor <> v_uid AND NOT app.is_platform_admin() THEN
        IF EXISTS (SELECT 1 FROM public.workshop_registrations r
                    WHERE r.id = p_registration_id AND r.user_id <> v_uid) THEN
            RAISE EXCEPTION 'registration % is not the caller''s', p_registration_id
                USING ERRCODE = '42501', CONSTRAINT = 'admission_state_forbidden';
        END IF;
        IF NOT v_open THEN
            is_open := false;
            RETURN NEXT;
            RETURN;
        END IF;
    END IF;

    RETURN QUERY SELECT * FROM app.lock_workshop_for_admission(p_workshop_id, p_registration_id);
END
$$;

-- =============================================================================================
-- §6.2 enforce_workshop_registration_rules(): the landed steps, plus
-- - system context reaches the lock and the price through the owner-only helpers;
-- - completed_at is NULL unless the row is attended, whoever writes (issue 9 audit of automatic columns);
-- - organization attribution (issue 9 item 6), for every writer but system context: a new or changed
--   organization_id must be an organization the registrant belongs to (app.user_belongs_to_org), and
--   only a platform admin may change it on an existing row (a registrant's change is silently undone
--   with the other server columns, step 2; an instructor's is refused). Checked before admission, so a
--   refused attribution takes no lock.
-- =============================================================================================
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

-- =============================================================================================
-- §6.4 derive_workshop_columns(): the landed rules, plus a capacity below one is refused first, with the
-- CHECK's own code and name (23514 workshops_capacity_total_check): the taken-seats rule used to answer a
-- negative capacity with 23505 capacity_below_taken_seats (a conflict, HTTP 409) instead of a validation
-- error (400), since this BEFORE trigger runs before the CHECK constraints.
-- =============================================================================================
CREATE OR REPLACE FUNCTION public.derive_workshop_columns()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    IF NEW.capacity_total < 1 THEN
        RAISE EXCEPTION 'capacity_total must be at least 1 (got %)', NEW.capacity_total
            USING ERRCODE = '23514', CONSTRAINT = 'workshops_capacity_total_check';
    END IF;

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

-- =============================================================================================
-- Policy workshops_instructor_update (same name and command): an instructor's workshop stays in an
-- organization they belong to, or in none (issue 9 item 6: they moved workshops, drafts included, into
-- another organization, whose members and admin then read them). The same rule as
-- workshops_instructor_insert; platform admins keep workshops_platform_admin_all.
-- =============================================================================================
ALTER POLICY workshops_instructor_update ON public.workshops
    USING (instructor_id = (SELECT app.current_user_id()))
    WITH CHECK (
        instructor_id = (SELECT app.current_user_id())
        AND (organization_id IS NULL OR app.is_org_member(organization_id))
    );
