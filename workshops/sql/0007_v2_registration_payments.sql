-- Workshops v2 (issue 9, security review of the workshops tables and the write matrix): the payment state and
-- the certificate of a registration, the restricted and derived columns of a new workshop, the time of
-- feedback, and the workshop history of workshops the caller cannot read. Loaded by
-- workshops/0007_v2_registration_payments; the reverse file restores the landed definitions.
--
-- 1. Registrations: the workshop's instructor wrote payment_status ('completed': a paid seat without paying),
--    price_paid and payment_id, and pointed payment_id / certificate_id at anyone's payment or certificate.
--    - enforce_workshop_registration_rules() (INVOKER): price_paid, payment_status and payment_id are written
--      only in system context (payments/services.py) or by a platform admin (42501 restricted_column);
--    - validate_workshop_registration_pointers (new trigger, DEFINER: it reads payments and certificates the
--      writer may not see, and decides nothing by caller): for every writer, a payment_id must be a payment
--      of the registrant for this workshop, a certificate_id a certificate of the registrant for this
--      workshop (23514 registration_payment_mismatch / registration_certificate_mismatch). Checked when the
--      pointer is set or changed, so rows already stored are not re-judged.
-- 2. Workshops: derive_workshop_columns() is SECURITY DEFINER (contract), so it cannot tell an instructor from
--    the owner and kept the published_at and is_featured an INSERT supplied. The new INVOKER guard
--    guard_workshops_restricted_columns (fires after it, name order): outside system context published_at
--    of a new row is the server's (now() when inserted as published, else NULL; UPDATE already keeps OLD),
--    and is_featured is a platform admin's to set or change, like instructor_profiles.is_featured
--    (42501 restricted_column).
-- 3. Feedback: the new INVOKER guard guard_workshop_feedback_columns gives a new row outside system context
--    submitted_at = now() (enforce_workshop_feedback_rules() already keeps it on UPDATE, for every writer).
-- 4. get_user_workshop_history(): an admin of the user's organization gets only the rows of workshops they
--    may SELECT (the audience of the workshops SELECT policies); it showed other organizations' drafts. The
--    refusal now carries a reason (42501 history_forbidden).
-- 5. The workshop's instructor was staff for their own registration too: they registered for their own
--    workshop as 'attended' and rated it (average_satisfaction). On their own row they are now a registrant
--    acting alone (spec 50 §0.2 counts them as staff; the fix narrows staff to other people's rows).
-- 6. The system context of request traffic is the role humanglue_system (organizations/0005), not the
--    owner: the registration trigger reaches app.lock_workshop_for_admission() and app.workshop_price_now()
--    in system context, so that role may execute them (a payment completing from a request re-admitted a
--    swept registration with "permission denied"). The app role still may not.

-- =============================================================================================
-- §6.2 enforce_workshop_registration_rules(): the 0005 definition, plus step 2b (the payment state) and
-- the instructor's own registration (item 5).
-- =============================================================================================
CREATE OR REPLACE FUNCTION public.enforce_workshop_registration_rules()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
AS $$
DECLARE
    v_system boolean;
    v_admin boolean;
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
    v_admin := (SELECT app.is_platform_admin());
    -- The workshop's instructor is staff for the others' registrations, not for their own: registered as
    -- staff they made themselves 'attended' and rated their own workshop (feedback needs attendance).
    v_staff := v_system OR v_admin
               OR (app.is_workshop_instructor(NEW.workshop_id)
                   AND NEW.user_id IS DISTINCT FROM (SELECT app.current_user_id()));

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
    ELSE
        -- 2b. The payment state is the payment path's (system context) and platform admins': the workshop's
        --     instructor marks attendance and status, never a seat as paid, free or refunded, and links no
        --     payment. Checked on what the writer sent, before steps 4-5 derive anything.
        IF NOT v_system AND NOT v_admin THEN
            IF TG_OP = 'INSERT' THEN
                IF NEW.price_paid IS NOT NULL OR NEW.payment_status IS NOT NULL OR NEW.payment_id IS NOT NULL THEN
                    RAISE EXCEPTION 'only the payment path or a platform admin sets the price or payment of a registration'
                        USING ERRCODE = '42501', CONSTRAINT = 'restricted_column';
                END IF;
            ELSIF NEW.price_paid IS DISTINCT FROM OLD.price_paid
                  OR NEW.payment_status IS DISTINCT FROM OLD.payment_status
                  OR NEW.payment_id IS DISTINCT FROM OLD.payment_id THEN
                RAISE EXCEPTION 'only the payment path or a platform admin changes the price or payment of a registration'
                    USING ERRCODE = '42501', CONSTRAINT = 'restricted_column';
            END IF;
        END IF;
        IF TG_OP = 'UPDATE' AND OLD.status = 'cancelled' AND NEW.status IN ('registered', 'waitlisted') THEN
            v_reregistration := true;
        END IF;
    END IF;

    -- Organization attribution (request traffic only; imports and repairs run as the owner).
    IF NOT v_system THEN
        IF TG_OP = 'UPDATE' AND NEW.organization_id IS DISTINCT FROM OLD.organization_id
           AND NOT v_admin THEN
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
-- validate_workshop_registration_pointers: what payment_id and certificate_id may point at.
-- =============================================================================================
CREATE FUNCTION app.validate_workshop_registration_pointers()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    -- The revenue rows find their registration through payment_id, and the history and certificate pages
    -- show certificate_id: neither may belong to someone else or to another source. An unknown id answers
    -- like a foreign one (no oracle).
    IF NEW.payment_id IS NOT NULL
       AND (TG_OP = 'INSERT' OR NEW.payment_id IS DISTINCT FROM OLD.payment_id)
       AND NOT EXISTS (SELECT 1 FROM public.payments p
                        WHERE p.id = NEW.payment_id AND p.user_id = NEW.user_id
                          AND p.workshop_id = NEW.workshop_id) THEN
        RAISE EXCEPTION 'payment % is not a payment of this registrant for this workshop', NEW.payment_id
            USING ERRCODE = '23514', CONSTRAINT = 'registration_payment_mismatch';
    END IF;
    IF NEW.certificate_id IS NOT NULL
       AND (TG_OP = 'INSERT' OR NEW.certificate_id IS DISTINCT FROM OLD.certificate_id)
       AND NOT EXISTS (SELECT 1 FROM public.certificates c
                        WHERE c.id = NEW.certificate_id AND c.user_id = NEW.user_id
                          AND c.workshop_id = NEW.workshop_id) THEN
        RAISE EXCEPTION 'certificate % is not a certificate of this registrant for this workshop', NEW.certificate_id
            USING ERRCODE = '23514', CONSTRAINT = 'registration_certificate_mismatch';
    END IF;
    RETURN NEW;
END
$$;

-- After enforce_workshop_registration_rules_trigger (name order), which first sets back a registrant's own
-- pointers silently.
CREATE TRIGGER validate_workshop_registration_pointers
    BEFORE INSERT OR UPDATE OF payment_id, certificate_id ON public.workshop_registrations
    FOR EACH ROW EXECUTE FUNCTION app.validate_workshop_registration_pointers();

-- =============================================================================================
-- guard_workshops_restricted_columns: published_at (derived) and is_featured (restricted) of workshops.
-- SECURITY INVOKER: it decides by who writes, with app.is_system_context() only.
-- =============================================================================================
CREATE FUNCTION app.guard_workshops_restricted_columns()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
AS $$
BEGIN
    IF (SELECT app.is_system_context()) THEN
        RETURN NEW;  -- seeds and imports keep their values; derive_workshop_columns() has run for them too
    END IF;
    IF TG_OP = 'INSERT' THEN
        -- The time of the first publication is the server's, whatever the writer sent.
        NEW.published_at := CASE WHEN NEW.status = 'published' THEN now() END;
        IF NEW.is_featured AND NOT (SELECT app.is_platform_admin()) THEN
            RAISE EXCEPTION 'only a platform admin may feature a workshop'
                USING ERRCODE = '42501', CONSTRAINT = 'restricted_column';
        END IF;
    ELSIF NEW.is_featured IS DISTINCT FROM OLD.is_featured AND NOT (SELECT app.is_platform_admin()) THEN
        RAISE EXCEPTION 'only a platform admin may change workshops.is_featured'
            USING ERRCODE = '42501', CONSTRAINT = 'restricted_column';
    END IF;
    RETURN NEW;
END
$$;

-- Fires after derive_workshop_columns_trigger and guard_workshops_columns (name order).
CREATE TRIGGER guard_workshops_restricted_columns
    BEFORE INSERT OR UPDATE ON public.workshops
    FOR EACH ROW EXECUTE FUNCTION app.guard_workshops_restricted_columns();

-- =============================================================================================
-- guard_workshop_feedback_columns: submitted_at of new feedback is the server's time.
-- =============================================================================================
CREATE FUNCTION app.guard_workshop_feedback_columns()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
AS $$
BEGIN
    IF NOT (SELECT app.is_system_context()) THEN
        NEW.submitted_at := now();  -- imports (system context) keep theirs
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER guard_workshop_feedback_columns
    BEFORE INSERT ON public.workshop_feedback
    FOR EACH ROW EXECUTE FUNCTION app.guard_workshop_feedback_columns();

-- =============================================================================================
-- §6.15 get_user_workshop_history(uuid): the landed definition, plus the caller's view of the workshops.
-- =============================================================================================
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
DECLARE
    v_uid uuid := app.current_user_id();
    v_every_workshop boolean;
BEGIN
    IF p_user_id IS NULL THEN
        RETURN;
    END IF;
    -- The user reads their own history (they may SELECT every workshop in it: registrant), a platform admin
    -- everything; an admin of the user's organization only the rows of workshops they may SELECT.
    v_every_workshop := coalesce(p_user_id = v_uid, false) OR app.is_platform_admin();
    IF NOT (v_every_workshop
            OR coalesce(app.is_org_admin((SELECT u.organization_id FROM public.users u WHERE u.id = p_user_id)),
                        false)) THEN
        RAISE EXCEPTION 'not allowed to read the workshop history of this user'
            USING ERRCODE = '42501', CONSTRAINT = 'history_forbidden';
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
       -- The audience of the workshops SELECT policies (spec 50 §1), as the caller.
       AND (v_every_workshop
            OR w.status = 'published'
            OR w.instructor_id = v_uid
            OR app.is_workshop_registrant(w.id)
            OR (w.organization_id IS NOT NULL AND w.status <> 'draft' AND app.is_org_member(w.organization_id))
            OR (w.organization_id IS NOT NULL AND app.is_org_admin(w.organization_id)))
     ORDER BY r.registered_at DESC, r.id;
END
$$;


-- =============================================================================================
-- Grants (conventions §3). Trigger functions need none; the new ones are nobody's to call.
-- =============================================================================================
REVOKE EXECUTE ON FUNCTION
    app.validate_workshop_registration_pointers(),
    app.guard_workshops_restricted_columns(),
    app.guard_workshop_feedback_columns()
FROM PUBLIC;

-- The request system context (item 6 above); humanglue_app keeps no EXECUTE on these two.
GRANT EXECUTE ON FUNCTION
    app.lock_workshop_for_admission(uuid, uuid),
    app.workshop_price_now(uuid)
TO humanglue_system;
