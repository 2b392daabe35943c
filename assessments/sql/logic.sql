-- Business logic of the assessments app (spec 50 §6.9–§6.12, §6.15; conventions §2, §3, §10).
-- Dimension scores derived from scored responses, status timestamps, answers frozen once the assessment
-- is completed or archived, and the three read functions. Loaded by assessments/0003_logic.
--
-- Security (conventions §2, §3):
-- - derive_assessment_fields() is SECURITY INVOKER: it tells staff (platform admin, system context),
--   whose written scores are kept where no scored response exists, from an end user, whose every score
--   is derived. It only reads rows its writer can see (the assessment's responses, the user's own row).
-- - calculate_dimension_score, get_user_latest_assessment and get_assessment_progress are SECURITY
--   INVOKER: row security decides what they see.
-- - The other trigger functions and get_org_adaptability_trend are SECURITY DEFINER with
--   search_path = pg_catalog, public, pg_temp. Every name is schema-qualified.
-- - EXECUTE is revoked from PUBLIC on every function and granted to humanglue_app only for
--   calculate_dimension_score, get_user_latest_assessment, get_assessment_progress and
--   get_org_adaptability_trend.
--
-- Error reasons (RAISE ... USING ERRCODE, CONSTRAINT; conventions §10):
--   23514 immutable_column, assessment_frozen;  22023 invalid_parameter;  42501 (read refused)

-- =============================================================================================
-- §6.9 calculate_dimension_score(assessment, dimension): weighted mean of the scored responses
-- (dimension matches, answer_value set, not skipped), rounded to an integer. NULL when there is none.
-- =============================================================================================
CREATE FUNCTION public.calculate_dimension_score(p_assessment_id uuid, p_dimension text)
RETURNS integer
LANGUAGE plpgsql
STABLE
SECURITY INVOKER
AS $$
DECLARE
    v_score integer;
BEGIN
    IF p_assessment_id IS NULL OR p_dimension IS NULL THEN
        RETURN NULL;
    END IF;
    IF p_dimension NOT IN ('individual', 'leadership', 'cultural', 'embedding', 'velocity') THEN
        RAISE EXCEPTION 'unknown dimension %', p_dimension
            USING ERRCODE = '22023', CONSTRAINT = 'invalid_parameter';
    END IF;
    SELECT round(sum(r.answer_value::numeric * r.question_weight) / sum(r.question_weight))::integer
      INTO v_score
      FROM public.assessment_responses r
     WHERE r.assessment_id = p_assessment_id
       AND r.dimension = p_dimension
       AND r.answer_value IS NOT NULL
       AND NOT r.skipped;
    RETURN v_score;
END
$$;

-- =============================================================================================
-- §6.10 derive_assessment_fields(): BEFORE INSERT OR UPDATE on assessments. SECURITY INVOKER.
-- =============================================================================================
CREATE FUNCTION public.derive_assessment_fields()
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

-- =============================================================================================
-- §6.11 enforce_assessment_response_rules(): BEFORE INSERT OR UPDATE OR DELETE on
-- assessment_responses. Answers of a completed or archived assessment are frozen for everyone.
-- The parent row is locked (FOR NO KEY UPDATE) so that completing the assessment and writing an answer
-- are serialized, and so that the rescoring UPDATE of the AFTER trigger needs no lock upgrade.
-- A missing parent (cascaded delete) allows the change.
-- =============================================================================================
CREATE FUNCTION public.enforce_assessment_response_rules()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    v_assessment uuid;
    v_status public.assessment_status;
BEGIN
    IF TG_OP = 'DELETE' THEN
        v_assessment := OLD.assessment_id;
    ELSE
        v_assessment := NEW.assessment_id;
    END IF;
    SELECT a.status INTO v_status FROM public.assessments a WHERE a.id = v_assessment FOR NO KEY UPDATE;
    IF FOUND AND v_status IN ('completed', 'archived') THEN
        RAISE EXCEPTION 'the answers of a % assessment are frozen', v_status
            USING ERRCODE = '23514', CONSTRAINT = 'assessment_frozen';
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.assessment_id IS DISTINCT FROM OLD.assessment_id THEN
        RAISE EXCEPTION 'the assessment of a response cannot change'
            USING ERRCODE = '23514', CONSTRAINT = 'immutable_column';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$;

-- =============================================================================================
-- §6.12 refresh_assessment_dimension_scores(): AFTER INSERT OR UPDATE OR DELETE on
-- assessment_responses. Rescore the affected dimensions in one UPDATE of the parent (which passes
-- through derive_assessment_fields()), and start a not_started assessment on a new or changed answer.
-- =============================================================================================
CREATE FUNCTION public.refresh_assessment_dimension_scores()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    v_assessment uuid;
    v_dims text[] := '{}';
    v_start boolean := TG_OP <> 'DELETE';
BEGIN
    IF TG_OP = 'INSERT' THEN
        v_assessment := NEW.assessment_id;
        v_dims := ARRAY[NEW.dimension];
    ELSIF TG_OP = 'DELETE' THEN
        v_assessment := OLD.assessment_id;
        v_dims := ARRAY[OLD.dimension];
    ELSE
        v_assessment := NEW.assessment_id;
        IF NEW.dimension IS DISTINCT FROM OLD.dimension
           OR NEW.answer_value IS DISTINCT FROM OLD.answer_value
           OR NEW.question_weight IS DISTINCT FROM OLD.question_weight
           OR NEW.skipped IS DISTINCT FROM OLD.skipped THEN
            v_dims := ARRAY[OLD.dimension, NEW.dimension];
        END IF;
    END IF;
    v_dims := array_remove(v_dims, NULL);

    UPDATE public.assessments a
       SET individual_score = CASE WHEN 'individual' = ANY (v_dims)
                                   THEN public.calculate_dimension_score(a.id, 'individual')
                                   ELSE a.individual_score END,
           leadership_score = CASE WHEN 'leadership' = ANY (v_dims)
                                   THEN public.calculate_dimension_score(a.id, 'leadership')
                                   ELSE a.leadership_score END,
           cultural_score = CASE WHEN 'cultural' = ANY (v_dims)
                                 THEN public.calculate_dimension_score(a.id, 'cultural')
                                 ELSE a.cultural_score END,
           embedding_score = CASE WHEN 'embedding' = ANY (v_dims)
                                  THEN public.calculate_dimension_score(a.id, 'embedding')
                                  ELSE a.embedding_score END,
           velocity_score = CASE WHEN 'velocity' = ANY (v_dims)
                                 THEN public.calculate_dimension_score(a.id, 'velocity')
                                 ELSE a.velocity_score END,
           status = CASE WHEN v_start AND a.status = 'not_started'
                         THEN 'in_progress'::public.assessment_status
                         ELSE a.status END
     WHERE a.id = v_assessment
       AND (cardinality(v_dims) > 0 OR (v_start AND a.status = 'not_started'));
    RETURN NULL;
END
$$;

-- =============================================================================================
-- §6.15 get_user_latest_assessment(uuid): the newest completed assessment the caller may see.
-- =============================================================================================
CREATE FUNCTION public.get_user_latest_assessment(p_user_id uuid)
RETURNS TABLE (
    assessment_id uuid,
    overall_score integer,
    individual_score integer,
    leadership_score integer,
    cultural_score integer,
    embedding_score integer,
    velocity_score integer,
    completed_at timestamp with time zone,
    assessment_type text,
    pillar text
)
LANGUAGE sql
STABLE
SECURITY INVOKER
AS $$
    SELECT a.id,
           a.overall_score,
           a.individual_score,
           a.leadership_score,
           a.cultural_score,
           a.embedding_score,
           a.velocity_score,
           a.completed_at,
           a.assessment_type,
           a.pillar::text
      FROM public.assessments a
     WHERE a.user_id = p_user_id
       AND a.status = 'completed'
     ORDER BY a.completed_at DESC, a.id DESC
     LIMIT 1;
$$;

-- =============================================================================================
-- §6.15 get_assessment_progress(uuid): per dimension (unscored rows as NULL), over the existing
-- response rows the caller may see.
-- =============================================================================================
CREATE FUNCTION public.get_assessment_progress(p_assessment_id uuid)
RETURNS TABLE (
    dimension text,
    total_questions integer,
    answered_questions integer,
    completion_percentage integer,
    skipped_questions integer
)
LANGUAGE sql
STABLE
SECURITY INVOKER
AS $$
    SELECT g.dimension,
           g.total,
           g.answered,
           round(100.0 * g.answered / g.total)::integer,
           g.skipped
      FROM (
            SELECT r.dimension,
                   count(*)::integer AS total,
                   count(*) FILTER (
                       WHERE NOT r.skipped
                         AND (r.answer_value IS NOT NULL
                              OR r.response_text ~ '\S'
                              OR r.response_audio_url IS NOT NULL))::integer AS answered,
                   count(*) FILTER (WHERE r.skipped)::integer AS skipped
              FROM public.assessment_responses r
             WHERE r.assessment_id = p_assessment_id
             GROUP BY r.dimension
           ) g
     ORDER BY array_position(ARRAY['individual', 'leadership', 'cultural', 'embedding', 'velocity'], g.dimension)
              NULLS LAST;
$$;

-- =============================================================================================
-- §6.15 get_org_adaptability_trend(org, months): monthly averages (UTC months) of the organization's
-- completed adaptability assessments over the last p_months calendar months, newest first.
-- SECURITY DEFINER with an explicit check: org admin or platform admin.
-- =============================================================================================
CREATE FUNCTION public.get_org_adaptability_trend(p_organization_id uuid, p_months integer DEFAULT 6)
RETURNS TABLE (
    month date,
    avg_overall_score numeric,
    avg_individual_score numeric,
    avg_leadership_score numeric,
    avg_cultural_score numeric,
    avg_embedding_score numeric,
    avg_velocity_score numeric,
    assessment_count integer
)
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_months integer := coalesce(p_months, 6);
    v_from timestamptz;
BEGIN
    IF v_months < 1 OR v_months > 120 THEN
        RAISE EXCEPTION 'p_months must be between 1 and 120 (got %)', v_months
            USING ERRCODE = '22023', CONSTRAINT = 'invalid_parameter';
    END IF;
    IF NOT coalesce(app.is_org_admin(p_organization_id) OR app.is_platform_admin(), false) THEN
        RAISE EXCEPTION 'not allowed to read the adaptability trend of this organization'
            USING ERRCODE = '42501';
    END IF;
    v_from := (date_trunc('month', now() AT TIME ZONE 'UTC') - make_interval(months => v_months - 1))
              AT TIME ZONE 'UTC';

    RETURN QUERY
    SELECT (date_trunc('month', a.completed_at AT TIME ZONE 'UTC'))::date,
           round(avg(a.overall_score), 1),
           round(avg(a.individual_score), 1),
           round(avg(a.leadership_score), 1),
           round(avg(a.cultural_score), 1),
           round(avg(a.embedding_score), 1),
           round(avg(a.velocity_score), 1),
           count(*)::integer
      FROM public.assessments a
     WHERE a.organization_id = p_organization_id
       AND a.status = 'completed'
       AND a.pillar = 'adaptability'
       AND a.completed_at >= v_from
       AND a.completed_at <= now()
     GROUP BY 1
     ORDER BY 1 DESC;
END
$$;

-- =============================================================================================
-- Triggers (names per contract.json).
-- =============================================================================================
CREATE TRIGGER derive_assessment_fields_trigger
    BEFORE INSERT OR UPDATE ON public.assessments
    FOR EACH ROW EXECUTE FUNCTION public.derive_assessment_fields();

CREATE TRIGGER enforce_assessment_response_rules_trigger
    BEFORE INSERT OR UPDATE OR DELETE ON public.assessment_responses
    FOR EACH ROW EXECUTE FUNCTION public.enforce_assessment_response_rules();

CREATE TRIGGER calculate_score_on_response_change
    AFTER INSERT OR UPDATE OR DELETE ON public.assessment_responses
    FOR EACH ROW EXECUTE FUNCTION public.refresh_assessment_dimension_scores();

-- =============================================================================================
-- Grants (conventions §3).
-- =============================================================================================
REVOKE EXECUTE ON FUNCTION
    public.calculate_dimension_score(uuid, text),
    public.derive_assessment_fields(),
    public.enforce_assessment_response_rules(),
    public.refresh_assessment_dimension_scores(),
    public.get_user_latest_assessment(uuid),
    public.get_assessment_progress(uuid),
    public.get_org_adaptability_trend(uuid, integer)
FROM PUBLIC;

GRANT EXECUTE ON FUNCTION
    public.calculate_dimension_score(uuid, text),
    public.get_user_latest_assessment(uuid),
    public.get_assessment_progress(uuid),
    public.get_org_adaptability_trend(uuid, integer)
TO humanglue_app;
