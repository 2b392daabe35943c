-- Business logic of the workshops app (spec 50 §6.1–§6.8, §6.13–§6.15; conventions §2, §3, §10).
-- Capacity and waitlist: admission in the registration BEFORE trigger under a lock on the workshop row,
-- FIFO promotion, payment holds and their sweep, derived workshop counters, feedback rules, and the two
-- read functions. Loaded by workshops/0004_logic (after workshops/0003_rls: helpers, guard, policies).
--
-- Security (conventions §2, §3):
-- - enforce_workshop_registration_rules() is SECURITY INVOKER: it tells a registrant acting alone from
--   staff and system context. What it may not see it reads through the SECURITY DEFINER helpers
--   workshop_admission_state() and workshop_current_price().
-- - Every other trigger and internal function is SECURITY DEFINER (its writes are system context) with
--   search_path = pg_catalog, public, pg_temp. Every name is schema-qualified.
-- - Trigger functions are VOLATILE: under READ COMMITTED each of their statements takes a fresh snapshot,
--   which is what lets the seat count see the rows committed by the previous holder of the workshop lock.
-- - EXECUTE is revoked from PUBLIC on every function and granted to humanglue_app only for
--   workshop_current_price, workshop_admission_state, get_available_workshops and get_user_workshop_history.
--
-- Error reasons (RAISE ... USING ERRCODE, CONSTRAINT; conventions §10):
--   23514 immutable_column, workshop_not_open, feedback_requires_attendance, invalid_timezone
--   23505 workshop_full, capacity_below_taken_seats
--   42501 registration_transition_forbidden
--   23503 workshop_not_found, registration_not_found
--   22023 invalid_parameter

-- =============================================================================================
-- §6.1 workshop_current_price(uuid): the early-bird price while it applies, else the regular price.
-- =============================================================================================
CREATE FUNCTION public.workshop_current_price(p_workshop_id uuid)
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

-- =============================================================================================
-- §6.2a workshop_admission_state(workshop, registration): lock the workshop row, then count (in a new
-- statement, so with a fresh snapshot) its seat-holding registrations other than this one.
-- Unknown workshop: zero rows. Returns flags and counts only, never another user's row.
-- =============================================================================================
CREATE FUNCTION public.workshop_admission_state(p_workshop_id uuid, p_registration_id uuid)
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

-- =============================================================================================
-- §6.2 enforce_workshop_registration_rules(): BEFORE INSERT OR UPDATE on workshop_registrations.
-- SECURITY INVOKER (it decides by who is writing). Steps in the order of the spec:
-- 1 immutable ids, 2 registrant's columns, 3 registrant's status transitions, 4 admission,
-- 5 price and payment hold, 6 bookkeeping.
-- A writer who is not staff for the workshop gets the registrant's limits (RLS refuses such a writer
-- anyway unless it is the registrant itself).
-- =============================================================================================
CREATE FUNCTION public.enforce_workshop_registration_rules()
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

-- =============================================================================================
-- §6.14 promote_workshop_waitlist(uuid): fill the free seats of an open workshop from its FIFO
-- waitlist, in one UPDATE (so the nested triggers of the promoted rows find no further free seat).
-- =============================================================================================
CREATE FUNCTION public.promote_workshop_waitlist(p_workshop_id uuid)
RETURNS integer
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    v_open boolean;
    v_capacity integer;
    v_taken integer;
    v_free integer;
    v_promoted integer;
BEGIN
    SELECT w.status = 'published' AND w.end_time > now(), w.capacity_total
      INTO v_open, v_capacity
      FROM public.workshops w
     WHERE w.id = p_workshop_id
       FOR UPDATE;
    IF NOT FOUND OR NOT v_open THEN
        RETURN 0;
    END IF;

    SELECT count(*)::integer
      INTO v_taken
      FROM public.workshop_registrations r
     WHERE r.workshop_id = p_workshop_id
       AND r.status IN ('registered', 'attended', 'no_show');
    v_free := v_capacity - v_taken;
    IF v_free <= 0 THEN
        RETURN 0;
    END IF;

    WITH picked AS (
        SELECT r.id
          FROM public.workshop_registrations r
         WHERE r.workshop_id = p_workshop_id
           AND r.status = 'waitlisted'
         ORDER BY r.status_changed_at, r.id
         LIMIT v_free
           FOR UPDATE
    )
    UPDATE public.workshop_registrations r
       SET status = 'registered',
           payment_status = CASE
                                WHEN r.price_paid > 0 AND r.payment_status IS DISTINCT FROM 'completed'
                                THEN 'pending'::public.payment_status
                                ELSE r.payment_status
                            END
      FROM picked
     WHERE r.id = picked.id;
    GET DIAGNOSTICS v_promoted = ROW_COUNT;
    RETURN v_promoted;
END
$$;

-- =============================================================================================
-- §6.13 refresh_workshop_stats(uuid): touch the workshop so derive_workshop_columns() recomputes every
-- derived column from the rows. Unknown id: no-op.
-- =============================================================================================
CREATE FUNCTION public.refresh_workshop_stats(p_workshop_id uuid)
RETURNS void
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    UPDATE public.workshops SET updated_at = now() WHERE id = p_workshop_id;
END
$$;

-- =============================================================================================
-- §6.3 update_workshop_registration_stats(): AFTER INSERT OR UPDATE OR DELETE on workshop_registrations.
-- Only inserts, deletes and status changes: promote from the waitlist, then refresh the counters.
-- =============================================================================================
CREATE FUNCTION public.update_workshop_registration_stats()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    v_workshop uuid;
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.status IS NOT DISTINCT FROM OLD.status THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'DELETE' THEN
        v_workshop := OLD.workshop_id;
    ELSE
        v_workshop := NEW.workshop_id;
    END IF;
    PERFORM public.promote_workshop_waitlist(v_workshop);
    PERFORM public.refresh_workshop_stats(v_workshop);
    RETURN NULL;
END
$$;

-- =============================================================================================
-- §6.4 derive_workshop_columns(): BEFORE INSERT OR UPDATE on workshops. Whatever a writer supplies for
-- the derived columns is replaced. total_revenue is the payments app's (only zeroed on INSERT).
-- =============================================================================================
CREATE FUNCTION public.derive_workshop_columns()
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

-- =============================================================================================
-- §6.5 promote_waitlist_on_workshop_change(): AFTER UPDATE OF capacity_total, status, end_time on
-- workshops. Idempotent.
-- =============================================================================================
CREATE FUNCTION public.promote_waitlist_on_workshop_change()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    PERFORM public.promote_workshop_waitlist(NEW.id);
    RETURN NULL;
END
$$;

-- =============================================================================================
-- §6.6 release_expired_workshop_holds(interval): cancel payment holds older than p_older_than.
-- Owner-run job. Workshop by workshop, the workshop row is locked first (the lock order of §6), then its
-- expired holds are cancelled in one UPDATE; the normal triggers release the seats and promote.
-- payment_status stays 'pending' (no money was received).
-- =============================================================================================
CREATE FUNCTION public.release_expired_workshop_holds(p_older_than interval DEFAULT interval '30 minutes')
RETURNS integer
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    v_workshop uuid;
    v_rows integer;
    v_total integer := 0;
BEGIN
    IF p_older_than IS NULL OR p_older_than <= interval '0' THEN
        RAISE EXCEPTION 'p_older_than must be a positive interval'
            USING ERRCODE = '22023', CONSTRAINT = 'invalid_parameter';
    END IF;
    FOR v_workshop IN
        SELECT DISTINCT r.workshop_id
          FROM public.workshop_registrations r
         WHERE r.status = 'registered'
           AND r.payment_status = 'pending'
           AND r.status_changed_at < now() - p_older_than
         ORDER BY r.workshop_id
    LOOP
        PERFORM 1 FROM public.workshops w WHERE w.id = v_workshop FOR UPDATE;
        UPDATE public.workshop_registrations r
           SET status = 'cancelled'
         WHERE r.workshop_id = v_workshop
           AND r.status = 'registered'
           AND r.payment_status = 'pending'
           AND r.status_changed_at < now() - p_older_than;
        GET DIAGNOSTICS v_rows = ROW_COUNT;
        v_total := v_total + v_rows;
    END LOOP;
    RETURN v_total;
END
$$;

-- =============================================================================================
-- §6.7 enforce_workshop_feedback_rules(): BEFORE INSERT OR UPDATE on workshop_feedback.
-- workshop_id and user_id are copied from the registration (the RLS WITH CHECK then tests user_id).
-- =============================================================================================
CREATE FUNCTION public.enforce_workshop_feedback_rules()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    v_workshop uuid;
    v_user uuid;
    v_status public.registration_status;
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.registration_id IS NULL THEN
            RETURN NEW;  -- the NOT NULL constraint refuses the row
        END IF;
        SELECT r.workshop_id, r.user_id, r.status
          INTO v_workshop, v_user, v_status
          FROM public.workshop_registrations r
         WHERE r.id = NEW.registration_id;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'registration % does not exist', NEW.registration_id
                USING ERRCODE = '23503', CONSTRAINT = 'registration_not_found';
        END IF;
        NEW.workshop_id := v_workshop;
        NEW.user_id := v_user;
        IF v_status <> 'attended' THEN
            RAISE EXCEPTION 'feedback needs an attended registration (this one is %)', v_status
                USING ERRCODE = '23514', CONSTRAINT = 'feedback_requires_attendance';
        END IF;
    ELSE
        IF NEW.registration_id IS DISTINCT FROM OLD.registration_id
           OR NEW.workshop_id IS DISTINCT FROM OLD.workshop_id
           OR NEW.user_id IS DISTINCT FROM OLD.user_id THEN
            RAISE EXCEPTION 'registration_id, workshop_id and user_id of feedback cannot change'
                USING ERRCODE = '23514', CONSTRAINT = 'immutable_column';
        END IF;
        NEW.submitted_at := OLD.submitted_at;
    END IF;
    RETURN NEW;
END
$$;

-- =============================================================================================
-- §6.8 update_workshop_satisfaction(): AFTER INSERT OR UPDATE OR DELETE on workshop_feedback.
-- An UPDATE that leaves overall_satisfaction unchanged cannot change the average or the count.
-- =============================================================================================
CREATE FUNCTION public.update_workshop_satisfaction()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM public.refresh_workshop_stats(OLD.workshop_id);
    ELSIF TG_OP = 'INSERT' OR NEW.overall_satisfaction IS DISTINCT FROM OLD.overall_satisfaction THEN
        PERFORM public.refresh_workshop_stats(NEW.workshop_id);
    END IF;
    RETURN NULL;
END
$$;

-- =============================================================================================
-- §6.15 get_available_workshops: the public catalog (published, not ended, a seat or a waitlist).
-- SECURITY DEFINER: only public columns of published workshops and the instructor's name and avatar.
-- =============================================================================================
CREATE FUNCTION public.get_available_workshops(
    p_pillar text DEFAULT NULL,
    p_level text DEFAULT NULL,
    p_limit integer DEFAULT 20,
    p_offset integer DEFAULT 0
)
RETURNS TABLE (
    id uuid,
    title text,
    description text,
    pillar text,
    level text,
    format text,
    schedule_date date,
    schedule_time time without time zone,
    capacity_remaining integer,
    price_amount numeric,
    price_early_bird numeric,
    instructor_name text,
    is_featured boolean,
    slug text,
    start_time timestamp with time zone,
    end_time timestamp with time zone,
    timezone text,
    duration_minutes integer,
    currency text,
    current_price numeric,
    waitlist_enabled boolean,
    waitlist_count integer,
    thumbnail_url text,
    average_satisfaction numeric,
    instructor_avatar_url text
)
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
    SELECT w.id,
           w.title,
           w.description,
           w.pillar::text,
           w.level::text,
           w.format::text,
           (w.start_time AT TIME ZONE w.timezone)::date,
           (w.start_time AT TIME ZONE w.timezone)::time,
           w.capacity_remaining,
           w.price_amount,
           w.price_early_bird,
           u.full_name,
           w.is_featured,
           w.slug,
           w.start_time,
           w.end_time,
           w.timezone,
           w.duration_minutes,
           w.currency,
           public.workshop_current_price(w.id),
           w.waitlist_enabled,
           w.waitlist_count,
           w.thumbnail_url,
           w.average_satisfaction,
           u.avatar_url
      FROM public.workshops w
      JOIN public.users u ON u.id = w.instructor_id
     WHERE w.status = 'published'
       AND w.end_time > now()
       AND (w.capacity_remaining > 0 OR w.waitlist_enabled)
       AND (p_pillar IS NULL OR w.pillar = p_pillar::public.ai_pillar)
       AND (p_level IS NULL OR w.level::text = p_level)
     ORDER BY w.is_featured DESC, w.start_time, w.id
     LIMIT least(greatest(coalesce(p_limit, 20), 1), 100)
    OFFSET greatest(coalesce(p_offset, 0), 0);
$$;

-- =============================================================================================
-- §6.15 get_user_workshop_history(uuid): a user's registrations with their workshops. SECURITY DEFINER
-- with an explicit check: the user themself, a platform admin, or an admin of the user's organization.
-- =============================================================================================
CREATE FUNCTION public.get_user_workshop_history(p_user_id uuid)
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

-- =============================================================================================
-- Triggers (names per contract.json; same-event triggers fire in name order:
-- workshops BEFORE UPDATE: derive_workshop_columns_trigger, guard_workshops_columns,
-- update_workshops_updated_at; workshop_registrations BEFORE: enforce_..., update_..._updated_at).
-- =============================================================================================
CREATE TRIGGER derive_workshop_columns_trigger
    BEFORE INSERT OR UPDATE ON public.workshops
    FOR EACH ROW EXECUTE FUNCTION public.derive_workshop_columns();

CREATE TRIGGER promote_waitlist_on_workshop_change_trigger
    AFTER UPDATE OF capacity_total, status, end_time ON public.workshops
    FOR EACH ROW EXECUTE FUNCTION public.promote_waitlist_on_workshop_change();

CREATE TRIGGER enforce_workshop_registration_rules_trigger
    BEFORE INSERT OR UPDATE ON public.workshop_registrations
    FOR EACH ROW EXECUTE FUNCTION public.enforce_workshop_registration_rules();

CREATE TRIGGER update_workshop_registration_stats_trigger
    AFTER INSERT OR UPDATE OR DELETE ON public.workshop_registrations
    FOR EACH ROW EXECUTE FUNCTION public.update_workshop_registration_stats();

CREATE TRIGGER enforce_workshop_feedback_rules_trigger
    BEFORE INSERT OR UPDATE ON public.workshop_feedback
    FOR EACH ROW EXECUTE FUNCTION public.enforce_workshop_feedback_rules();

CREATE TRIGGER update_workshop_satisfaction_trigger
    AFTER INSERT OR UPDATE OR DELETE ON public.workshop_feedback
    FOR EACH ROW EXECUTE FUNCTION public.update_workshop_satisfaction();

-- =============================================================================================
-- Grants (conventions §3): EXECUTE from PUBLIC revoked everywhere; humanglue_app gets the API read
-- functions and the helpers the INVOKER trigger calls under the app role.
-- =============================================================================================
REVOKE EXECUTE ON FUNCTION
    public.workshop_current_price(uuid),
    public.workshop_admission_state(uuid, uuid),
    public.enforce_workshop_registration_rules(),
    public.promote_workshop_waitlist(uuid),
    public.refresh_workshop_stats(uuid),
    public.update_workshop_registration_stats(),
    public.derive_workshop_columns(),
    public.promote_waitlist_on_workshop_change(),
    public.release_expired_workshop_holds(interval),
    public.enforce_workshop_feedback_rules(),
    public.update_workshop_satisfaction(),
    public.get_available_workshops(text, text, integer, integer),
    public.get_user_workshop_history(uuid)
FROM PUBLIC;

GRANT EXECUTE ON FUNCTION
    public.workshop_current_price(uuid),
    public.workshop_admission_state(uuid, uuid),
    public.get_available_workshops(text, text, integer, integer),
    public.get_user_workshop_history(uuid)
TO humanglue_app;
