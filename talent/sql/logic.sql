-- Business logic of the talent app (spec 60, Functions; conventions §2, §3, §10).
--   search_talent(...)                   STABLE, SECURITY DEFINER: public marketplace search (anyone)
--   get_client_engagement_summary(uuid)  STABLE, SECURITY INVOKER, guarded: a client's totals
--   update_talent_rating()               trigger, SECURITY DEFINER: rating, review_count, total_sessions
--     <- update_rating_on_engagement_review   (engagement_requests)
--     <- update_rating_on_consultation_review (consultations)
--   update_engagement_hours()            trigger, SECURITY DEFINER: engagement_requests.hours_used
--     <- update_hours_on_session_complete     (consultations)
-- talent_search_document() exists already (talent/0001). The maintaining triggers are SECURITY DEFINER,
-- so their writes run as the owner (system context) and pass the protect_* guards
-- (preserve_maintained_columns); they pin search_path and qualify app.* objects (conventions §3).

-- =============================================================================================
-- search_talent
-- =============================================================================================
-- DEFINER: it must read users.full_name, which users' RLS hides from anonymous callers, and it only
-- ever returns public profiles that accept clients. The seven parameters keep the original order; the
-- trailing p_query (full-text OR trigram on the tagline) is DESIGNED.
CREATE FUNCTION public.search_talent(
    p_expertise text[] DEFAULT NULL,
    p_industries text[] DEFAULT NULL,
    p_min_rating numeric DEFAULT NULL,
    p_availability text DEFAULT NULL,
    p_limit integer DEFAULT 20,
    p_offset integer DEFAULT 0,
    p_query text DEFAULT NULL
) RETURNS TABLE (
    profile_id uuid,
    user_name text,
    tagline text,
    expertise text[],
    rating numeric,
    review_count integer,
    hourly_rate numeric,
    availability text
)
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
    WITH q AS (
        SELECT
            nullif(btrim(p_query), '') AS query_text,
            CASE WHEN nullif(btrim(p_query), '') IS NOT NULL
                 THEN websearch_to_tsquery('pg_catalog.english'::regconfig, btrim(p_query))
            END AS query_ts
    )
    SELECT tp.id, u.full_name::text, tp.tagline, tp.expertise, tp.rating, tp.review_count, tp.hourly_rate,
           tp.availability
    FROM public.talent_profiles tp
    JOIN public.users u ON u.id = tp.user_id
    CROSS JOIN q
    WHERE tp.is_public
      AND tp.accepting_clients
      AND (p_expertise IS NULL OR cardinality(p_expertise) = 0 OR tp.expertise && p_expertise)
      AND (p_industries IS NULL OR cardinality(p_industries) = 0 OR tp.industries && p_industries)
      AND (p_min_rating IS NULL OR tp.rating >= p_min_rating)
      AND (p_availability IS NULL OR tp.availability = p_availability)
      AND (q.query_text IS NULL OR tp.search_vector @@ q.query_ts OR tp.tagline % q.query_text)
    ORDER BY
        CASE WHEN q.query_text IS NOT NULL
             THEN ts_rank(tp.search_vector, q.query_ts) + similarity(tp.tagline, q.query_text)
        END DESC NULLS LAST,
        tp.rating DESC,
        tp.review_count DESC,
        tp.id ASC
    LIMIT CASE WHEN p_limit IS NULL OR p_limit < 1 THEN 20 WHEN p_limit > 100 THEN 100 ELSE p_limit END
    OFFSET CASE WHEN p_offset IS NULL OR p_offset < 0 THEN 0 ELSE p_offset END
$$;

-- =============================================================================================
-- get_client_engagement_summary
-- =============================================================================================
-- INVOKER with an explicit guard: exactly one row for the client themself or a platform admin,
-- otherwise none (HAVING on an aggregate without GROUP BY yields one row or none). The rows are read
-- under the caller's RLS, which already admits both.
CREATE FUNCTION public.get_client_engagement_summary(p_client_id uuid)
RETURNS TABLE (
    total_engagements integer,
    active_engagements integer,
    total_hours_purchased numeric,
    total_hours_used numeric,
    total_spent numeric
)
LANGUAGE sql
STABLE
SECURITY INVOKER
AS $$
    SELECT
        count(*)::integer,
        (count(*) FILTER (WHERE er.status = 'active'))::integer,
        coalesce(sum(er.hours_total) FILTER (
            WHERE er.status IN ('active', 'paused', 'completed')
               OR (er.status = 'cancelled' AND er.payment_status = 'completed')
        ), 0)::numeric,
        coalesce(sum(er.hours_used), 0)::numeric,
        round(coalesce(sum(er.hours_used * er.hourly_rate), 0), 2)::numeric
    FROM public.engagement_requests er
    WHERE er.client_id = p_client_id
    HAVING p_client_id = (SELECT app.current_user_id()) OR (SELECT app.is_platform_admin())
$$;

-- =============================================================================================
-- update_talent_rating (trigger)
-- =============================================================================================
-- Recomputes rating (round(avg, 2), 0 without scores), review_count and total_sessions of every
-- affected expert that has a profile. Scores: engagement_requests.client_satisfaction_score and
-- consultations.user_rating (non-null); sessions: completed consultations.
-- The profile row is locked before the aggregate, and the aggregate is a separate statement (this
-- function is VOLATILE, so each statement takes a fresh snapshot under READ COMMITTED): a transaction
-- that waited for the lock sees what the holder committed.
CREATE FUNCTION public.update_talent_rating()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    v_act boolean := false;
    v_experts uuid[];
    v_expert uuid;
    v_profile_id uuid;
    v_rating numeric(3,2);
    v_count integer;
    v_sessions integer;
BEGIN
    IF TG_TABLE_NAME = 'engagement_requests' THEN
        IF TG_OP = 'INSERT' THEN
            v_act := NEW.client_satisfaction_score IS NOT NULL;
        ELSIF TG_OP = 'UPDATE' THEN
            v_act := NEW.client_satisfaction_score IS DISTINCT FROM OLD.client_satisfaction_score
                     OR NEW.expert_id IS DISTINCT FROM OLD.expert_id;
        ELSE
            v_act := OLD.client_satisfaction_score IS NOT NULL;
        END IF;
    ELSE  -- consultations: ratings and the completed-session count
        IF TG_OP = 'INSERT' THEN
            v_act := NEW.user_rating IS NOT NULL OR NEW.status = 'completed';
        ELSIF TG_OP = 'UPDATE' THEN
            v_act := NEW.user_rating IS DISTINCT FROM OLD.user_rating
                     OR NEW.status IS DISTINCT FROM OLD.status
                     OR NEW.expert_id IS DISTINCT FROM OLD.expert_id;
        ELSE
            v_act := OLD.user_rating IS NOT NULL OR OLD.status = 'completed';
        END IF;
    END IF;
    IF NOT v_act THEN
        RETURN NULL;
    END IF;

    IF TG_OP = 'INSERT' THEN
        v_experts := ARRAY[NEW.expert_id];
    ELSIF TG_OP = 'DELETE' THEN
        v_experts := ARRAY[OLD.expert_id];
    ELSE
        -- Deduplicated, in a fixed order so that two transactions lock profiles in the same order.
        SELECT array_agg(DISTINCT e ORDER BY e) INTO v_experts
        FROM unnest(ARRAY[OLD.expert_id, NEW.expert_id]) AS e
        WHERE e IS NOT NULL;
    END IF;

    FOREACH v_expert IN ARRAY coalesce(v_experts, '{}'::uuid[]) LOOP
        SELECT tp.id INTO v_profile_id
        FROM public.talent_profiles tp
        WHERE tp.user_id = v_expert
        FOR UPDATE;
        CONTINUE WHEN NOT FOUND;

        SELECT coalesce(round(avg(s.score), 2), 0), count(*)::integer
        INTO v_rating, v_count
        FROM (
            SELECT er.client_satisfaction_score AS score
            FROM public.engagement_requests er
            WHERE er.expert_id = v_expert AND er.client_satisfaction_score IS NOT NULL
            UNION ALL
            SELECT c.user_rating
            FROM public.consultations c
            WHERE c.expert_id = v_expert AND c.user_rating IS NOT NULL
        ) s;

        SELECT count(*)::integer INTO v_sessions
        FROM public.consultations c
        WHERE c.expert_id = v_expert AND c.status = 'completed';

        UPDATE public.talent_profiles tp
        SET rating = v_rating, review_count = v_count, total_sessions = v_sessions
        WHERE tp.id = v_profile_id
          AND (tp.rating, tp.review_count, tp.total_sessions) IS DISTINCT FROM (v_rating, v_count, v_sessions);
    END LOOP;
    RETURN NULL;
END
$$;

CREATE TRIGGER update_rating_on_engagement_review
    AFTER INSERT OR UPDATE OF client_satisfaction_score, expert_id OR DELETE ON public.engagement_requests
    FOR EACH ROW
    EXECUTE FUNCTION public.update_talent_rating();

CREATE TRIGGER update_rating_on_consultation_review
    AFTER INSERT OR UPDATE OF user_rating, status, expert_id OR DELETE ON public.consultations
    FOR EACH ROW
    EXECUTE FUNCTION public.update_talent_rating();

-- =============================================================================================
-- update_engagement_hours (trigger)
-- =============================================================================================
-- hours_used = round(sum of billable minutes / 60.0, 2) over the engagement's completed sessions.
-- Billable minutes: duration_minutes, else the whole minutes between actual_start and actual_end,
-- else 0. An idempotent recompute under the engagement's row lock. A total above hours_total fails
-- check_hours_valid (23514) and so rejects the consultation change.
CREATE FUNCTION public.update_engagement_hours()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    v_ids uuid[];
    v_id uuid;
    v_hours numeric(10,2);
BEGIN
    IF TG_OP = 'INSERT' THEN
        v_ids := ARRAY[NEW.engagement_request_id];
    ELSIF TG_OP = 'DELETE' THEN
        v_ids := ARRAY[OLD.engagement_request_id];
    ELSE
        IF NEW.status IS NOT DISTINCT FROM OLD.status
           AND NEW.duration_minutes IS NOT DISTINCT FROM OLD.duration_minutes
           AND NEW.actual_start IS NOT DISTINCT FROM OLD.actual_start
           AND NEW.actual_end IS NOT DISTINCT FROM OLD.actual_end
           AND NEW.engagement_request_id IS NOT DISTINCT FROM OLD.engagement_request_id THEN
            RETURN NULL;
        END IF;
        v_ids := ARRAY[OLD.engagement_request_id, NEW.engagement_request_id];
    END IF;

    SELECT array_agg(DISTINCT e ORDER BY e) INTO v_ids
    FROM unnest(v_ids) AS e
    WHERE e IS NOT NULL;

    FOREACH v_id IN ARRAY coalesce(v_ids, '{}'::uuid[]) LOOP
        -- Missing (e.g. being cascade-deleted together with its sessions): nothing to maintain.
        PERFORM 1 FROM public.engagement_requests er WHERE er.id = v_id FOR UPDATE;
        CONTINUE WHEN NOT FOUND;

        SELECT round(coalesce(sum(
                   CASE
                       WHEN c.duration_minutes IS NOT NULL THEN c.duration_minutes::numeric
                       WHEN c.actual_start IS NOT NULL AND c.actual_end IS NOT NULL
                           THEN floor(extract(epoch FROM (c.actual_end - c.actual_start)) / 60)
                       ELSE 0
                   END), 0) / 60.0, 2)
        INTO v_hours
        FROM public.consultations c
        WHERE c.engagement_request_id = v_id AND c.status = 'completed';

        UPDATE public.engagement_requests er
        SET hours_used = v_hours
        WHERE er.id = v_id AND er.hours_used IS DISTINCT FROM v_hours;
    END LOOP;
    RETURN NULL;
END
$$;

CREATE TRIGGER update_hours_on_session_complete
    AFTER INSERT OR UPDATE OR DELETE ON public.consultations
    FOR EACH ROW
    EXECUTE FUNCTION public.update_engagement_hours();

-- =============================================================================================
-- Privileges (conventions §3): owner-owned, no PUBLIC EXECUTE; the app role may call the two read
-- functions only. Trigger functions get no grant.
-- =============================================================================================
REVOKE EXECUTE ON FUNCTION
    public.search_talent(text[], text[], numeric, text, integer, integer, text),
    public.get_client_engagement_summary(uuid),
    public.update_talent_rating(),
    public.update_engagement_hours()
FROM PUBLIC;

GRANT EXECUTE ON FUNCTION
    public.search_talent(text[], text[], numeric, text, integer, integer, text),
    public.get_client_engagement_summary(uuid)
TO humanglue_app;
