-- Assessments v2 (issue 9 item 6): organization attribution re-checks membership. Loaded by
-- assessments/0004_v2_org_rules; the reverse file restores the landed derive_assessment_fields().
--
-- A user could move their own assessment into any organization (assessments_own_update checks only
-- user_id), whose admin then read it through assessments_org_admin_read; a platform admin could attribute
-- any user's assessment anywhere. derive_assessment_fields() (SECURITY INVOKER, so it can tell system
-- context from request traffic) now refuses, for every writer but system context, an organization_id that
-- is new (INSERT) or changed (UPDATE) and is not one of the user's organizations
-- (app.user_belongs_to_org: home organization or an active org-scoped grant):
-- 42501 user_outside_organization. Everything else is the landed function.

CREATE OR REPLACE FUNCTION public.derive_assessment_fields()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
AS $$
DECLARE
    v_system boolean := (SELECT app.is_system_context());
    v_staff boolean;
    v_scored text[] := '{}';
BEGIN
    v_staff := v_system OR (SELECT app.is_platform_admin());

    IF TG_OP = 'INSERT' THEN
        IF NEW.organization_id IS NULL THEN
            SELECT u.organization_id INTO NEW.organization_id FROM public.users u WHERE u.id = NEW.user_id;
        END IF;
    ELSE
        IF NEW.user_id IS DISTINCT FROM OLD.user_id THEN
            RAISE EXCEPTION 'the user of an assessment cannot change'
                USING ERRCODE = '23514', CONSTRAINT = 'immutable_column';
        END IF;
        -- A new row has no responses yet; an existing one: which dimensions have a scored response.
        SELECT coalesce(array_agg(DISTINCT r.dimension), '{}')
          INTO v_scored
          FROM public.assessment_responses r
         WHERE r.assessment_id = NEW.id
           AND r.dimension IS NOT NULL
           AND r.answer_value IS NOT NULL
           AND NOT r.skipped;
    END IF;

    -- Organization attribution (request traffic only; imports and repairs run as the owner): a new or
    -- changed organization must be one the assessment's user belongs to. A stale full-row save that
    -- leaves it unchanged is not checked, so a user who left the organization can still save.
    IF NOT v_system AND NEW.organization_id IS NOT NULL
       AND (TG_OP = 'INSERT' OR NEW.organization_id IS DISTINCT FROM OLD.organization_id)
       AND NOT app.user_belongs_to_org(NEW.user_id, NEW.organization_id) THEN
        RAISE EXCEPTION 'the user of the assessment does not belong to organization %', NEW.organization_id
            USING ERRCODE = '42501', CONSTRAINT = 'user_outside_organization';
    END IF;

    -- Scores: derived where the dimension has scored responses; elsewhere kept for staff, NULL otherwise.
    IF 'individual' = ANY (v_scored) THEN
        NEW.individual_score := public.calculate_dimension_score(NEW.id, 'individual');
    ELSIF NOT v_staff THEN
        NEW.individual_score := NULL;
    END IF;
    IF 'leadership' = ANY (v_scored) THEN
        NEW.leadership_score := public.calculate_dimension_score(NEW.id, 'leadership');
    ELSIF NOT v_staff THEN
        NEW.leadership_score := NULL;
    END IF;
    IF 'cultural' = ANY (v_scored) THEN
        NEW.cultural_score := public.calculate_dimension_score(NEW.id, 'cultural');
    ELSIF NOT v_staff THEN
        NEW.cultural_score := NULL;
    END IF;
    IF 'embedding' = ANY (v_scored) THEN
        NEW.embedding_score := public.calculate_dimension_score(NEW.id, 'embedding');
    ELSIF NOT v_staff THEN
        NEW.embedding_score := NULL;
    END IF;
    IF 'velocity' = ANY (v_scored) THEN
        NEW.velocity_score := public.calculate_dimension_score(NEW.id, 'velocity');
    ELSIF NOT v_staff THEN
        NEW.velocity_score := NULL;
    END IF;

    -- Status timestamps. An end user cannot write them; staff (imports) may supply them.
    IF NOT v_staff THEN
        IF TG_OP = 'INSERT' THEN
            NEW.started_at := NULL;
            NEW.completed_at := NULL;
        ELSE
            NEW.started_at := OLD.started_at;
            NEW.completed_at := OLD.completed_at;
        END IF;
    END IF;
    IF NEW.status = 'completed' AND NEW.completed_at IS NULL THEN
        NEW.completed_at := now();
    ELSIF NEW.status IN ('not_started', 'in_progress') THEN
        NEW.completed_at := NULL;
    END IF;
    IF NEW.status IN ('in_progress', 'completed') AND NEW.started_at IS NULL THEN
        -- now(), or an imported completion time if that is earlier (started_at <= completed_at holds).
        NEW.started_at := least(now(), coalesce(NEW.completed_at, now()));
    END IF;

    RETURN NEW;
END
$$;
