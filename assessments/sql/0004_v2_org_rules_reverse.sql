-- Reverse of 0004_v2_org_rules.sql: the landed derive_assessment_fields() (assessments/sql/logic.sql).

CREATE OR REPLACE FUNCTION public.derive_assessment_fields()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
AS $$
DECLARE
    v_staff boolean;
    v_scored text[] := '{}';
BEGIN
    v_staff := (SELECT app.is_system_context()) OR (SELECT app.is_platform_admin());

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
