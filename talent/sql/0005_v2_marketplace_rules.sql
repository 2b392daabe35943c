-- Who may write what on engagement_requests and consultations (issue 9 items 4-7; spec 60 "Status
-- lifecycle" and "API column rules", now enforced in the database; conventions §2, §10).
--
-- One place per table for each kind of rule, readable by the guard and by tests:
--   app.engagement_request_status_moves() / app.consultation_status_moves()
--       every move of the lifecycle and the parties who may make it (client, expert, admin = platform
--       admin, system = the payment path in system context). A move missing from the table is not part
--       of the lifecycle: 23514 invalid_status_transition. A move by a party not listed: 42501
--       status_transition_forbidden. Org admins have no UPDATE policy on these tables at all.
--   app.engagement_request_column_rules() / app.consultation_column_rules()
--       one row per (column, party that may change it, statuses of OLD in which it may):
--         immutable   nobody but system context: 23514 immutable_column
--         maintained  kept silently for every API caller (hours, payment mirrors; trigger-owned)
--         automatic   derived by the guard for every writer (responded_at, completed_at, updated_at)
--         status      moves as in the status table
--         price       changes only where a row allows it; otherwise 42501 price_pinned
--         write       changes only where a row allows it; otherwise 42501 restricted_column, or the
--                     row's refusal when the caller is that party but the status is wrong
--                     (23514 rating_requires_completion for ratings)
--       A column with no rule is refused (fail closed): a new column is written down here first.
--
-- The guards are the trigger functions of the contract triggers protect_engagement_request_maintained
-- and protect_consultation_payment_mirror (same names, now BEFORE INSERT OR UPDATE): they keep the
-- maintained columns as preserve_maintained_columns() did and add the rules above. They are SECURITY
-- INVOKER and decide trust only with (SELECT app.is_system_context()). Automatic columns are derived
-- for every writer, system context included; system context skips only the restrictions.
-- organization_id: only to NULL or an organization the row's client belongs to
-- (app.user_belongs_to_org), on INSERT and UPDATE, for every API caller: 42501 organization_not_member.

-- =============================================================================================
-- Status moves
-- =============================================================================================
-- Spec 60 lifecycle. DESIGNED: an accepted or failed request that is never paid can be withdrawn by
-- either party (pending -> cancelled stays the client's, the expert declines instead).
CREATE FUNCTION app.engagement_request_status_moves()
RETURNS TABLE (from_status text, to_status text, parties text[])
LANGUAGE sql
IMMUTABLE
PARALLEL SAFE
AS $$
    VALUES
        ('pending', 'accepted', ARRAY['expert', 'admin']),
        ('pending', 'declined', ARRAY['expert', 'admin']),
        ('pending', 'cancelled', ARRAY['client', 'admin']),
        ('accepted', 'cancelled', ARRAY['client', 'expert', 'admin']),
        ('payment_failed', 'cancelled', ARRAY['client', 'expert', 'admin']),
        -- a payment completes or fails (payment path, flow steps 5-6)
        ('pending', 'active', ARRAY['system']),
        ('accepted', 'active', ARRAY['system']),
        ('payment_failed', 'active', ARRAY['system']),
        ('pending', 'payment_failed', ARRAY['system']),
        ('accepted', 'payment_failed', ARRAY['system']),
        -- delivery
        ('active', 'paused', ARRAY['expert', 'admin']),
        ('paused', 'active', ARRAY['expert', 'admin']),
        ('active', 'completed', ARRAY['expert', 'admin']),
        ('paused', 'completed', ARRAY['expert', 'admin']),
        ('active', 'cancelled', ARRAY['client', 'expert', 'admin']),
        ('paused', 'cancelled', ARRAY['client', 'expert', 'admin'])
$$;

-- The client cancels a scheduled session only before it starts (checked by the guard).
CREATE FUNCTION app.consultation_status_moves()
RETURNS TABLE (from_status public.consultation_status, to_status public.consultation_status, parties text[])
LANGUAGE sql
STABLE
PARALLEL SAFE
AS $$
    VALUES
        ('requested'::public.consultation_status, 'scheduled'::public.consultation_status, ARRAY['expert', 'admin']),
        ('requested', 'cancelled', ARRAY['client', 'expert', 'admin']),
        ('scheduled', 'cancelled', ARRAY['client', 'expert', 'admin']),
        ('scheduled', 'completed', ARRAY['expert', 'admin'])
$$;

-- =============================================================================================
-- Column rules
-- =============================================================================================
CREATE FUNCTION app.engagement_request_column_rules()
RETURNS TABLE (column_name text, rule text, party text, statuses text[], refusal text)
LANGUAGE sql
IMMUTABLE
PARALLEL SAFE
AS $$
    VALUES
        ('id', 'immutable', NULL, NULL::text[], 'immutable_column'),
        ('client_id', 'immutable', NULL, NULL, 'immutable_column'),
        ('expert_id', 'immutable', NULL, NULL, 'immutable_column'),
        ('created_at', 'immutable', NULL, NULL, 'immutable_column'),
        ('hours_used', 'maintained', NULL, NULL, NULL),
        ('payment_id', 'maintained', NULL, NULL, NULL),
        ('payment_status', 'maintained', NULL, NULL, NULL),
        ('responded_at', 'automatic', NULL, NULL, NULL),
        ('completed_at', 'automatic', NULL, NULL, NULL),
        ('updated_at', 'automatic', NULL, NULL, NULL),
        ('status', 'status', NULL, NULL, NULL),
        -- the client's request, editable while pending
        ('title', 'write', 'client', '{pending}', 'restricted_column'),
        ('title', 'write', 'admin', NULL, 'restricted_column'),
        ('description', 'write', 'client', '{pending}', 'restricted_column'),
        ('description', 'write', 'admin', NULL, 'restricted_column'),
        ('focus_area', 'write', 'client', '{pending}', 'restricted_column'),
        ('focus_area', 'write', 'admin', NULL, 'restricted_column'),
        ('initial_message', 'write', 'client', '{pending}', 'restricted_column'),
        ('initial_message', 'write', 'admin', NULL, 'restricted_column'),
        ('timeline', 'write', 'client', '{pending}', 'restricted_column'),
        ('timeline', 'write', 'admin', NULL, 'restricted_column'),
        ('organization_id', 'write', 'client', NULL, 'restricted_column'),
        ('organization_id', 'write', 'admin', NULL, 'restricted_column'),
        -- the client's score, once the engagement is completed
        ('client_satisfaction_score', 'write', 'client', '{completed}', 'rating_requires_completion'),
        -- the expert's delivery
        ('start_date', 'write', 'expert', NULL, 'restricted_column'),
        ('start_date', 'write', 'admin', NULL, 'restricted_column'),
        ('end_date', 'write', 'expert', NULL, 'restricted_column'),
        ('end_date', 'write', 'admin', NULL, 'restricted_column'),
        ('estimated_completion_date', 'write', 'expert', NULL, 'restricted_column'),
        ('estimated_completion_date', 'write', 'admin', NULL, 'restricted_column'),
        ('deliverables', 'write', 'expert', NULL, 'restricted_column'),
        ('deliverables', 'write', 'admin', NULL, 'restricted_column'),
        ('milestones', 'write', 'expert', NULL, 'restricted_column'),
        ('milestones', 'write', 'admin', NULL, 'restricted_column'),
        ('outcomes', 'write', 'expert', NULL, 'restricted_column'),
        ('outcomes', 'write', 'admin', NULL, 'restricted_column'),
        ('metadata', 'write', 'client', NULL, 'restricted_column'),
        ('metadata', 'write', 'expert', NULL, 'restricted_column'),
        ('metadata', 'write', 'admin', NULL, 'restricted_column'),
        -- price: the client's request while pending (and no payment attempt is open, see the guard);
        -- pinned from acceptance until payment; after payment an expert or admin amendment (spec 60).
        -- hourly_rate and currency are the profile's snapshot, never written through the API.
        ('hours_total', 'price', 'client', '{pending}', 'price_pinned'),
        ('hours_total', 'price', 'expert', '{active,paused}', 'price_pinned'),
        ('hours_total', 'price', 'admin', '{pending,active,paused}', 'price_pinned'),
        ('hourly_rate', 'price', NULL, NULL, 'price_pinned'),
        ('currency', 'price', NULL, NULL, 'price_pinned')
$$;

CREATE FUNCTION app.consultation_column_rules()
RETURNS TABLE (column_name text, rule text, party text, statuses text[], refusal text)
LANGUAGE sql
IMMUTABLE
PARALLEL SAFE
AS $$
    VALUES
        ('id', 'immutable', NULL, NULL::text[], 'immutable_column'),
        ('user_id', 'immutable', NULL, NULL, 'immutable_column'),
        ('expert_id', 'immutable', NULL, NULL, 'immutable_column'),
        ('engagement_request_id', 'immutable', NULL, NULL, 'immutable_column'),
        ('created_at', 'immutable', NULL, NULL, 'immutable_column'),
        ('payment_id', 'maintained', NULL, NULL, NULL),
        ('payment_status', 'maintained', NULL, NULL, NULL),
        ('updated_at', 'automatic', NULL, NULL, NULL),
        ('status', 'status', NULL, NULL, NULL),
        -- the client's request, editable while requested
        ('title', 'write', 'client', '{requested}', 'restricted_column'),
        ('title', 'write', 'admin', NULL, 'restricted_column'),
        ('description', 'write', 'client', '{requested}', 'restricted_column'),
        ('description', 'write', 'admin', NULL, 'restricted_column'),
        ('topics', 'write', 'client', '{requested}', 'restricted_column'),
        ('topics', 'write', 'admin', NULL, 'restricted_column'),
        ('pillar', 'write', 'client', '{requested}', 'restricted_column'),
        ('pillar', 'write', 'expert', '{requested,scheduled}', 'restricted_column'),
        ('pillar', 'write', 'admin', NULL, 'restricted_column'),
        ('session_type', 'write', 'client', '{requested}', 'restricted_column'),
        ('session_type', 'write', 'expert', '{requested,scheduled}', 'restricted_column'),
        ('session_type', 'write', 'admin', NULL, 'restricted_column'),
        ('organization_id', 'write', 'client', NULL, 'restricted_column'),
        ('organization_id', 'write', 'admin', NULL, 'restricted_column'),
        -- the expert's calendar and session record; expert_notes are private to the expert
        ('scheduled_start', 'write', 'expert', '{requested,scheduled}', 'restricted_column'),
        ('scheduled_start', 'write', 'admin', NULL, 'restricted_column'),
        ('scheduled_end', 'write', 'expert', '{requested,scheduled}', 'restricted_column'),
        ('scheduled_end', 'write', 'admin', NULL, 'restricted_column'),
        ('actual_start', 'write', 'expert', NULL, 'restricted_column'),
        ('actual_start', 'write', 'admin', NULL, 'restricted_column'),
        ('actual_end', 'write', 'expert', NULL, 'restricted_column'),
        ('actual_end', 'write', 'admin', NULL, 'restricted_column'),
        ('duration_minutes', 'write', 'expert', NULL, 'restricted_column'),
        ('duration_minutes', 'write', 'admin', NULL, 'restricted_column'),
        ('meeting_url', 'write', 'expert', NULL, 'restricted_column'),
        ('meeting_url', 'write', 'admin', NULL, 'restricted_column'),
        ('meeting_notes', 'write', 'expert', NULL, 'restricted_column'),
        ('meeting_notes', 'write', 'admin', NULL, 'restricted_column'),
        ('action_items', 'write', 'expert', NULL, 'restricted_column'),
        ('action_items', 'write', 'admin', NULL, 'restricted_column'),
        ('expert_notes', 'write', 'expert', NULL, 'restricted_column'),
        ('expert_notes', 'write', 'admin', NULL, 'restricted_column'),
        -- whoever cancels gives the reason; which reason is whose is checked by the guard
        ('cancellation_reason', 'write', 'client', NULL, 'restricted_column'),
        ('cancellation_reason', 'write', 'expert', NULL, 'restricted_column'),
        ('cancellation_reason', 'write', 'admin', NULL, 'restricted_column'),
        -- the client's rating, once the session is completed
        ('user_rating', 'write', 'client', '{completed}', 'rating_requires_completion'),
        ('user_feedback', 'write', 'client', '{completed}', 'rating_requires_completion'),
        ('metadata', 'write', 'client', NULL, 'restricted_column'),
        ('metadata', 'write', 'expert', NULL, 'restricted_column'),
        ('metadata', 'write', 'admin', NULL, 'restricted_column'),
        -- set at booking from the expert's profile; never written through the API afterwards (spec 60)
        ('amount', 'price', NULL, NULL, 'price_pinned'),
        ('currency', 'price', NULL, NULL, 'price_pinned')
$$;

-- =============================================================================================
-- The shared check: each changed column of an UPDATE against a rule table
-- =============================================================================================
-- Raises for the first refused change (immutables first, then the status, then the columns in name
-- order). p_parties: the caller's parties on OLD ('client', 'expert', 'admin'). p_stage: OLD's status
-- as text. p_price_open: price columns are pinned for everyone (an open payment attempt). Returns
-- whether the status changed (the caller then checks the move).
CREATE FUNCTION app.check_column_rules(
    p_table text,
    p_new jsonb,
    p_old jsonb,
    p_parties text[],
    p_stage text,
    p_price_open boolean
) RETURNS boolean
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
AS $$
DECLARE
    v_change record;
    v_status_changed boolean := false;
BEGIN
    FOR v_change IN
        WITH rules AS (
            SELECT r.* FROM app.engagement_request_column_rules() r WHERE p_table = 'engagement_requests'
            UNION ALL
            SELECT r.* FROM app.consultation_column_rules() r WHERE p_table = 'consultations'
        )
        SELECT c.key AS column_name,
               min(r.rule) AS rule,
               coalesce(bool_or(r.party = ANY (p_parties)), false) AS is_party,
               coalesce(bool_or(r.party = ANY (p_parties)
                                AND (r.statuses IS NULL OR p_stage = ANY (r.statuses))), false) AS allowed,
               min(r.refusal) AS refusal
        FROM jsonb_each(p_new) c
        LEFT JOIN rules r ON r.column_name = c.key
        WHERE c.value IS DISTINCT FROM p_old -> c.key
        GROUP BY c.key
        ORDER BY CASE min(r.rule) WHEN 'immutable' THEN 0 WHEN 'status' THEN 1 ELSE 2 END, c.key
    LOOP
        CASE v_change.rule
            WHEN 'immutable' THEN
                RAISE EXCEPTION '%.% cannot change', p_table, v_change.column_name
                    USING ERRCODE = '23514', CONSTRAINT = 'immutable_column';
            WHEN 'status' THEN
                v_status_changed := true;
            WHEN 'maintained', 'automatic' THEN
                NULL;  -- the guard already put the value it wants
            WHEN 'price' THEN
                IF NOT v_change.allowed OR p_price_open THEN
                    RAISE EXCEPTION '%.% is pinned for this caller in status %', p_table, v_change.column_name, p_stage
                        USING ERRCODE = '42501', CONSTRAINT = 'price_pinned';
                END IF;
            WHEN 'write' THEN
                IF NOT v_change.allowed THEN
                    IF v_change.is_party AND v_change.refusal = 'rating_requires_completion' THEN
                        RAISE EXCEPTION '%.% can be written only once the % is completed', p_table,
                                        v_change.column_name, p_table
                            USING ERRCODE = '23514', CONSTRAINT = 'rating_requires_completion';
                    END IF;
                    RAISE EXCEPTION 'this caller may not change %.% in status %', p_table, v_change.column_name,
                                    p_stage
                        USING ERRCODE = '42501', CONSTRAINT = 'restricted_column';
                END IF;
            ELSE
                -- No rule written down for this column: refused until one is.
                RAISE EXCEPTION '%.% has no write rule', p_table, v_change.column_name
                    USING ERRCODE = '42501', CONSTRAINT = 'restricted_column';
        END CASE;
    END LOOP;
    RETURN v_status_changed;
END
$$;

-- =============================================================================================
-- engagement_requests guard (trigger protect_engagement_request_maintained)
-- =============================================================================================
CREATE FUNCTION app.guard_engagement_requests_columns()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
AS $$
DECLARE
    v_system boolean := (SELECT app.is_system_context());
    v_uid uuid;
    v_admin boolean;
    v_parties text[] := '{}';
    v_movers text[];
    v_rate numeric;
    v_currency text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NOT v_system THEN
            v_admin := (SELECT app.is_platform_admin());
            -- The maintained columns are pinned by the parties' INSERT policy (spec 60); ratings come
            -- only from the client of a completed engagement, which a new row never is.
            IF NEW.client_satisfaction_score IS NOT NULL THEN
                RAISE EXCEPTION 'a new engagement request carries no client_satisfaction_score'
                    USING ERRCODE = '42501', CONSTRAINT = 'restricted_column';
            END IF;
            IF NOT v_admin THEN
                -- The price is the expert's: a snapshot of the profile (spec 60), not the client's offer.
                -- Read under the caller's RLS: the INSERT policy requires a public profile anyway.
                SELECT tp.hourly_rate, tp.currency INTO v_rate, v_currency
                FROM public.talent_profiles tp
                WHERE tp.user_id = NEW.expert_id;
                IF FOUND THEN  -- otherwise the INSERT policy refuses the row
                    NEW.hourly_rate := v_rate;
                    NEW.currency := v_currency;
                END IF;
                NEW.responded_at := NULL;
                NEW.completed_at := NULL;
            END IF;
            IF NEW.organization_id IS NOT NULL
               AND NOT app.user_belongs_to_org(NEW.client_id, NEW.organization_id) THEN
                RAISE EXCEPTION 'the client does not belong to organization %', NEW.organization_id
                    USING ERRCODE = '42501', CONSTRAINT = 'organization_not_member';
            END IF;
        END IF;
        -- Automatic, every writer.
        IF NEW.status = 'completed' AND NEW.completed_at IS NULL THEN
            NEW.completed_at := pg_catalog.now();
        END IF;
        RETURN NEW;
    END IF;

    -- UPDATE ---------------------------------------------------------------------------------
    IF NOT v_system THEN
        -- Maintained and automatic columns: an API caller's values are ignored (conventions §2).
        NEW.hours_used := OLD.hours_used;
        NEW.payment_id := OLD.payment_id;
        NEW.payment_status := OLD.payment_status;
        NEW.responded_at := OLD.responded_at;
        NEW.completed_at := OLD.completed_at;
        NEW.updated_at := OLD.updated_at;
    END IF;

    -- Automatic, every writer (system context included).
    IF NEW.status IS DISTINCT FROM OLD.status THEN
        IF NEW.status IN ('accepted', 'declined') AND OLD.status = 'pending'
           AND NEW.responded_at IS NOT DISTINCT FROM OLD.responded_at THEN
            NEW.responded_at := pg_catalog.now();
        END IF;
        IF NEW.status = 'completed' AND NEW.completed_at IS NULL THEN
            NEW.completed_at := pg_catalog.now();
        END IF;
    END IF;

    IF v_system THEN
        RETURN NEW;
    END IF;

    -- Restrictions, API callers only.
    v_uid := (SELECT app.current_user_id());
    IF v_uid IS NOT NULL AND v_uid = OLD.client_id THEN
        v_parties := v_parties || 'client'::text;
    END IF;
    IF v_uid IS NOT NULL AND v_uid = OLD.expert_id THEN
        v_parties := v_parties || 'expert'::text;
    END IF;
    IF (SELECT app.is_platform_admin()) THEN
        v_parties := v_parties || 'admin'::text;
    END IF;

    IF app.check_column_rules('engagement_requests', to_jsonb(NEW), to_jsonb(OLD), v_parties, OLD.status,
                              -- the request's price is what a payment attempt already charges
                              OLD.status = 'pending' AND OLD.payment_id IS NOT NULL) THEN
        SELECT m.parties INTO v_movers
        FROM app.engagement_request_status_moves() m
        WHERE m.from_status = OLD.status AND m.to_status = NEW.status;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'an engagement request cannot go from % to %', OLD.status, NEW.status
                USING ERRCODE = '23514', CONSTRAINT = 'invalid_status_transition';
        END IF;
        IF NOT (v_movers && v_parties) THEN
            RAISE EXCEPTION 'this caller may not move an engagement request from % to %', OLD.status, NEW.status
                USING ERRCODE = '42501', CONSTRAINT = 'status_transition_forbidden';
        END IF;
    END IF;

    IF NEW.organization_id IS DISTINCT FROM OLD.organization_id AND NEW.organization_id IS NOT NULL
       AND NOT app.user_belongs_to_org(NEW.client_id, NEW.organization_id) THEN
        RAISE EXCEPTION 'the client does not belong to organization %', NEW.organization_id
            USING ERRCODE = '42501', CONSTRAINT = 'organization_not_member';
    END IF;
    RETURN NEW;
END
$$;

-- =============================================================================================
-- consultations guard (trigger protect_consultation_payment_mirror)
-- =============================================================================================
CREATE FUNCTION app.guard_consultations_columns()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
AS $$
DECLARE
    v_system boolean := (SELECT app.is_system_context());
    v_uid uuid;
    v_parties text[] := '{}';
    v_movers text[];
    v_rate numeric;
    v_currency text;
    v_admin boolean;
BEGIN
    IF v_system THEN
        RETURN NEW;  -- no automatic column on consultations; system context skips the restrictions
    END IF;

    IF TG_OP = 'INSERT' THEN
        v_admin := (SELECT app.is_platform_admin());
        -- The payment mirror is pinned by the parties' INSERT policies (spec 60).
        IF NEW.user_rating IS NOT NULL OR NEW.user_feedback IS NOT NULL THEN
            RAISE EXCEPTION 'a new consultation carries no rating or feedback'
                USING ERRCODE = '42501', CONSTRAINT = 'restricted_column';
        END IF;
        -- A client's booking or session request leaves the expert's columns empty (a meeting link or
        -- notes written by the client would read as the expert's).
        IF NOT v_admin AND NEW.expert_id IS DISTINCT FROM (SELECT app.current_user_id())
           AND (NEW.actual_start IS NOT NULL OR NEW.actual_end IS NOT NULL OR NEW.duration_minutes IS NOT NULL
                OR NEW.meeting_url IS NOT NULL OR NEW.meeting_notes IS NOT NULL OR NEW.expert_notes IS NOT NULL
                OR NEW.action_items IS DISTINCT FROM '[]'::jsonb) THEN
            RAISE EXCEPTION 'the expert''s columns of a consultation are the expert''s to write'
                USING ERRCODE = '42501', CONSTRAINT = 'restricted_column';
        END IF;
        IF NEW.engagement_request_id IS NULL AND NOT v_admin THEN
            -- A standalone booking costs the expert's rate for the booked time (spec 60:
            -- round(hourly_rate x scheduled hours, 2)), in the profile's currency.
            SELECT tp.hourly_rate, tp.currency INTO v_rate, v_currency
            FROM public.talent_profiles tp
            WHERE tp.user_id = NEW.expert_id;
            IF FOUND THEN
                NEW.amount := round(v_rate * extract(epoch FROM (NEW.scheduled_end - NEW.scheduled_start)) / 3600, 2);
                NEW.currency := v_currency;
            END IF;
        END IF;
        IF NEW.organization_id IS NOT NULL AND NOT app.user_belongs_to_org(NEW.user_id, NEW.organization_id) THEN
            RAISE EXCEPTION 'the client does not belong to organization %', NEW.organization_id
                USING ERRCODE = '42501', CONSTRAINT = 'organization_not_member';
        END IF;
        RETURN NEW;
    END IF;

    -- UPDATE ---------------------------------------------------------------------------------
    NEW.payment_id := OLD.payment_id;
    NEW.payment_status := OLD.payment_status;
    NEW.updated_at := OLD.updated_at;

    v_uid := (SELECT app.current_user_id());
    IF v_uid IS NOT NULL AND v_uid = OLD.user_id THEN
        v_parties := v_parties || 'client'::text;
    END IF;
    IF v_uid IS NOT NULL AND v_uid = OLD.expert_id THEN
        v_parties := v_parties || 'expert'::text;
    END IF;
    IF (SELECT app.is_platform_admin()) THEN
        v_parties := v_parties || 'admin'::text;
    END IF;

    IF app.check_column_rules('consultations', to_jsonb(NEW), to_jsonb(OLD), v_parties, OLD.status::text, false) THEN
        SELECT m.parties INTO v_movers
        FROM app.consultation_status_moves() m
        WHERE m.from_status = OLD.status AND m.to_status = NEW.status;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'a consultation cannot go from % to %', OLD.status, NEW.status
                USING ERRCODE = '23514', CONSTRAINT = 'invalid_status_transition';
        END IF;
        IF NOT (v_movers && v_parties)
           -- The client's own cancellation of a scheduled session: only before it starts (spec 60).
           OR (OLD.status = 'scheduled' AND NEW.status = 'cancelled' AND v_parties = ARRAY['client']
               AND OLD.scheduled_start <= pg_catalog.now()) THEN
            RAISE EXCEPTION 'this caller may not move a consultation from % to %', OLD.status, NEW.status
                USING ERRCODE = '42501', CONSTRAINT = 'status_transition_forbidden';
        END IF;
    END IF;

    -- Whose cancellation reason: client_cancelled is the client's, the expert's are expert_cancelled,
    -- no_show and other; payment_failed belongs to the payment path (system context).
    IF NEW.cancellation_reason IS DISTINCT FROM OLD.cancellation_reason AND NEW.cancellation_reason IS NOT NULL
       AND NOT ('admin' = ANY (v_parties)
                OR ('client' = ANY (v_parties) AND NEW.cancellation_reason = 'client_cancelled')
                OR ('expert' = ANY (v_parties)
                    AND NEW.cancellation_reason IN ('expert_cancelled', 'no_show', 'other'))) THEN
        RAISE EXCEPTION 'this caller may not give the cancellation reason %', NEW.cancellation_reason
            USING ERRCODE = '42501', CONSTRAINT = 'restricted_column';
    END IF;

    IF NEW.organization_id IS DISTINCT FROM OLD.organization_id AND NEW.organization_id IS NOT NULL
       AND NOT app.user_belongs_to_org(NEW.user_id, NEW.organization_id) THEN
        RAISE EXCEPTION 'the client does not belong to organization %', NEW.organization_id
            USING ERRCODE = '42501', CONSTRAINT = 'organization_not_member';
    END IF;
    RETURN NEW;
END
$$;

-- =============================================================================================
-- The contract triggers, same names, now BEFORE INSERT OR UPDATE on the guards
-- =============================================================================================
DROP TRIGGER protect_engagement_request_maintained ON public.engagement_requests;
CREATE TRIGGER protect_engagement_request_maintained
    BEFORE INSERT OR UPDATE ON public.engagement_requests
    FOR EACH ROW
    EXECUTE FUNCTION app.guard_engagement_requests_columns();

DROP TRIGGER protect_consultation_payment_mirror ON public.consultations;
CREATE TRIGGER protect_consultation_payment_mirror
    BEFORE INSERT OR UPDATE ON public.consultations
    FOR EACH ROW
    EXECUTE FUNCTION app.guard_consultations_columns();

-- =============================================================================================
-- Privileges (conventions §3): the rule tables and the shared check are called by the INVOKER guards
-- under the app role, so the app role may execute them; the guards are trigger functions (no grant).
-- =============================================================================================
REVOKE EXECUTE ON FUNCTION
    app.engagement_request_status_moves(),
    app.consultation_status_moves(),
    app.engagement_request_column_rules(),
    app.consultation_column_rules(),
    app.check_column_rules(text, jsonb, jsonb, text[], text, boolean),
    app.guard_engagement_requests_columns(),
    app.guard_consultations_columns()
FROM PUBLIC;

GRANT EXECUTE ON FUNCTION
    app.engagement_request_status_moves(),
    app.consultation_status_moves(),
    app.engagement_request_column_rules(),
    app.consultation_column_rules(),
    app.check_column_rules(text, jsonb, jsonb, text[], text, boolean)
TO humanglue_app;
