-- Trigger-owned payment and certificate columns (spec 60; the write matrix's last payments holes).
--   * payments.refunded_at is "the time of the latest refund; set by the trigger": for API callers
--     validate_payment_change() now keeps it on UPDATE (a refund increase still stamps now()) and derives it
--     on INSERT (now() with a refund, else NULL). A platform admin could write it on any payment, a pending
--     one included. System context (the payment service) is unchanged.
--   * "Issued only to a user who completed the source" (0005) held on INSERT only: a platform admin moved a
--     certificate to a holder or source never completed. generate_certificate_number() re-checks on UPDATE
--     when the holder, the type or a source changes (a source set to NULL, as ON DELETE SET NULL does, is
--     not a new claim), and trigger generate_cert_number (same name) now also fires on UPDATE OF user_id,
--     certificate_type, course_id, workshop_id, assessment_id. Numbering unchanged.
-- Both functions stay SECURITY INVOKER and decide trust only with (SELECT app.is_system_context()).

-- =============================================================================================
-- generate_certificate_number: numbering as landed, the completed-source rule on INSERT and on moves
-- =============================================================================================
CREATE OR REPLACE FUNCTION public.generate_certificate_number()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
AS $$
DECLARE
    v_code text;
    v_candidate text;
    v_try integer;
    v_claims boolean := TG_OP = 'INSERT';
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NEW.certificate_number IS NULL OR btrim(NEW.certificate_number) = '' THEN
            NEW.certificate_number := OLD.certificate_number;
        ELSIF NEW.certificate_number IS DISTINCT FROM OLD.certificate_number THEN
            RAISE EXCEPTION 'certificate numbers are immutable'
                USING ERRCODE = '23514', CONSTRAINT = 'immutable_column';
        END IF;
        -- A move is a new claim: another holder, type or source. Compared here because a column-list
        -- trigger also fires for columns a full-row save sends unchanged.
        v_claims := NEW.user_id IS DISTINCT FROM OLD.user_id
                    OR NEW.certificate_type IS DISTINCT FROM OLD.certificate_type
                    OR (NEW.course_id IS DISTINCT FROM OLD.course_id AND NEW.course_id IS NOT NULL)
                    OR (NEW.workshop_id IS DISTINCT FROM OLD.workshop_id AND NEW.workshop_id IS NOT NULL)
                    OR (NEW.assessment_id IS DISTINCT FROM OLD.assessment_id AND NEW.assessment_id IS NOT NULL);
    END IF;

    -- Only for a completed source (spec 60's API rule, issue 9 item 9): the holder's completed enrollment,
    -- attended registration or completed assessment. Every API caller, platform admins included; system
    -- context (owner-run imports and corrections) is not checked. The source rows are read under the
    -- caller's RLS: the course or workshop instructor and platform admins, the only issuers the policies
    -- admit, can read them; anyone else finds nothing and is refused.
    IF v_claims AND NOT (SELECT app.is_system_context()) AND NOT (CASE NEW.certificate_type
        WHEN 'course' THEN EXISTS (
            SELECT 1 FROM public.enrollments e
            WHERE e.user_id = NEW.user_id AND e.course_id = NEW.course_id AND e.status = 'completed')
        WHEN 'workshop' THEN EXISTS (
            SELECT 1 FROM public.workshop_registrations r
            WHERE r.user_id = NEW.user_id AND r.workshop_id = NEW.workshop_id AND r.status = 'attended')
        WHEN 'assessment' THEN EXISTS (
            SELECT 1 FROM public.assessments a
            WHERE a.id = NEW.assessment_id AND a.user_id = NEW.user_id AND a.status = 'completed')
        ELSE true  -- program: no source row; issued by platform admins or the system (policies)
    END) THEN
        RAISE EXCEPTION 'the holder has not completed this % certificate''s source', NEW.certificate_type
            USING ERRCODE = '23514', CONSTRAINT = 'certificate_source_not_completed';
    END IF;

    IF TG_OP = 'UPDATE' THEN
        RETURN NEW;
    END IF;

    IF NEW.issue_date IS NULL THEN
        NEW.issue_date := (pg_catalog.now() AT TIME ZONE 'UTC')::date;
    END IF;
    IF NEW.certificate_number IS NOT NULL AND btrim(NEW.certificate_number) <> '' THEN
        RETURN NEW;
    END IF;

    -- An unknown type is left to certificates_certificate_type_check (23514).
    v_code := CASE NEW.certificate_type
                  WHEN 'course' THEN 'CRS'
                  WHEN 'workshop' THEN 'WKS'
                  WHEN 'program' THEN 'PRG'
                  WHEN 'assessment' THEN 'ASM'
                  ELSE 'GEN'
              END;
    FOR v_try IN 1 .. 5 LOOP
        v_candidate := 'CERT-' || v_code || '-' || to_char(NEW.issue_date, 'YYYYMMDD') || '-'
                       || upper(substr(replace(pg_catalog.gen_random_uuid()::text, '-', ''), 1, 12));
        IF NOT EXISTS (SELECT 1 FROM public.certificates c WHERE c.certificate_number = v_candidate) THEN
            NEW.certificate_number := v_candidate;
            RETURN NEW;
        END IF;
    END LOOP;
    RAISE EXCEPTION 'could not draw a free certificate number in 5 tries'
        USING ERRCODE = '23505', CONSTRAINT = 'certificate_number_exhausted';
END
$$;

-- Same trigger name (contract); the moves join the number in the column list.
DROP TRIGGER generate_cert_number ON public.certificates;
CREATE TRIGGER generate_cert_number
    BEFORE INSERT OR UPDATE OF certificate_number, user_id, certificate_type, course_id, workshop_id, assessment_id
    ON public.certificates
    FOR EACH ROW
    EXECUTE FUNCTION public.generate_certificate_number();

-- =============================================================================================
-- validate_payment_change: as in 0005, refunded_at trigger-maintained for API callers
-- =============================================================================================
CREATE OR REPLACE FUNCTION public.validate_payment_change()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
AS $$
DECLARE
    v_old_refund numeric := 0;
    v_new_refund numeric := coalesce(NEW.refund_amount, 0);
    v_system boolean := (SELECT app.is_system_context());
BEGIN
    -- The organization context is one the payer belongs to (issue 9 item 6), for every API caller
    -- (platform admins included: payers have no UPDATE policy); system context is not checked.
    IF NEW.organization_id IS NOT NULL
       AND (TG_OP = 'INSERT' OR NEW.organization_id IS DISTINCT FROM OLD.organization_id)
       AND NOT v_system
       AND NOT app.user_belongs_to_org(NEW.user_id, NEW.organization_id) THEN
        RAISE EXCEPTION 'the payer does not belong to organization %', NEW.organization_id
            USING ERRCODE = '42501', CONSTRAINT = 'organization_not_member';
    END IF;

    IF TG_OP = 'INSERT' THEN
        IF (NEW.payment_type = 'course' AND NEW.course_id IS NULL)
           OR (NEW.payment_type = 'workshop' AND NEW.workshop_id IS NULL)
           OR (NEW.payment_type = 'consultation' AND NEW.consultation_id IS NULL)
           OR (NEW.payment_type = 'engagement' AND NEW.engagement_request_id IS NULL) THEN
            RAISE EXCEPTION 'a % payment must name its target', NEW.payment_type
                USING ERRCODE = '23514', CONSTRAINT = 'payment_target_required';
        END IF;
        -- refunded_at is the trigger's (spec 60): an API caller's value is dropped, the refund below
        -- stamps it. System context may carry a provider's refund time (imports).
        IF NOT v_system THEN
            NEW.refunded_at := NULL;
        END IF;
        IF v_new_refund > 0 THEN
            IF NEW.status NOT IN ('completed', 'refunded') THEN
                RAISE EXCEPTION 'only a completed payment can be refunded'
                    USING ERRCODE = '23514', CONSTRAINT = 'refund_requires_completed_payment';
            END IF;
            NEW.status := 'refunded';
            NEW.refunded_at := coalesce(NEW.refunded_at, pg_catalog.now());
        END IF;
        IF NEW.status IN ('completed', 'refunded') THEN
            NEW.processed_at := coalesce(NEW.processed_at, pg_catalog.now());
        END IF;
        RETURN NEW;
    END IF;

    -- UPDATE ----------------------------------------------------------------------------------
    IF NEW.user_id IS DISTINCT FROM OLD.user_id
       OR NEW.amount IS DISTINCT FROM OLD.amount
       OR NEW.currency IS DISTINCT FROM OLD.currency
       OR NEW.provider IS DISTINCT FROM OLD.provider
       OR NEW.payment_type IS DISTINCT FROM OLD.payment_type
       OR (NEW.course_id IS DISTINCT FROM OLD.course_id AND NEW.course_id IS NOT NULL)
       OR (NEW.workshop_id IS DISTINCT FROM OLD.workshop_id AND NEW.workshop_id IS NOT NULL)
       OR (NEW.consultation_id IS DISTINCT FROM OLD.consultation_id AND NEW.consultation_id IS NOT NULL)
       OR (NEW.engagement_request_id IS DISTINCT FROM OLD.engagement_request_id
           AND NEW.engagement_request_id IS NOT NULL)
       OR (OLD.transaction_id IS NOT NULL AND NEW.transaction_id IS DISTINCT FROM OLD.transaction_id) THEN
        RAISE EXCEPTION 'payment columns user_id, amount, currency, provider, payment_type, the target and '
                        'transaction_id cannot be changed'
            USING ERRCODE = '23514', CONSTRAINT = 'immutable_column';
    END IF;

    IF NOT (
        (OLD.status = 'pending' AND NEW.status IN ('pending', 'completed', 'failed'))
        OR (OLD.status = 'failed' AND NEW.status IN ('failed', 'pending', 'completed'))
        OR (OLD.status = 'completed' AND NEW.status IN ('completed', 'refunded'))
        OR (OLD.status = 'refunded' AND NEW.status = 'refunded')
    ) THEN
        RAISE EXCEPTION 'a payment cannot go from % to %', OLD.status, NEW.status
            USING ERRCODE = '23514', CONSTRAINT = 'invalid_payment_transition';
    END IF;

    -- Kept for API callers (a maintained column: silently, as preserve_maintained_columns does); the
    -- refund rule below moves it.
    IF NOT v_system THEN
        NEW.refunded_at := OLD.refunded_at;
    END IF;

    v_old_refund := coalesce(OLD.refund_amount, 0);
    IF v_new_refund < v_old_refund THEN
        RAISE EXCEPTION 'refund_amount is cumulative and cannot decrease (% -> %)', v_old_refund, v_new_refund
            USING ERRCODE = '23514', CONSTRAINT = 'refund_amount_decreased';
    END IF;
    IF v_new_refund > v_old_refund THEN
        IF OLD.status NOT IN ('completed', 'refunded') THEN
            RAISE EXCEPTION 'only a completed payment can be refunded'
                USING ERRCODE = '23514', CONSTRAINT = 'refund_requires_completed_payment';
        END IF;
        NEW.refunded_at := pg_catalog.now();
        IF NEW.status = 'completed' THEN
            NEW.status := 'refunded';
        END IF;
    END IF;

    IF NEW.status = 'completed' AND OLD.status IS DISTINCT FROM 'completed' THEN
        NEW.processed_at := coalesce(NEW.processed_at, pg_catalog.now());
    END IF;
    RETURN NEW;
END
$$;
