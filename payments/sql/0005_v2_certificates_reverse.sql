-- Reverse of 0005_v2_certificates.sql: the landed definitions of payments/sql/logic.sql and rls.sql.

DROP FUNCTION IF EXISTS public.verify_certificate(text);

-- Public verification (anonymous included); only certificates marked verified.
CREATE POLICY "Anyone can verify certificates" ON public.certificates
    FOR SELECT
    USING (is_verified = true);

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
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NEW.certificate_number IS NULL OR btrim(NEW.certificate_number) = '' THEN
            NEW.certificate_number := OLD.certificate_number;
        ELSIF NEW.certificate_number IS DISTINCT FROM OLD.certificate_number THEN
            RAISE EXCEPTION 'certificate numbers are immutable'
                USING ERRCODE = '23514', CONSTRAINT = 'immutable_column';
        END IF;
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

CREATE OR REPLACE FUNCTION public.validate_payment_change()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
AS $$
DECLARE
    v_old_refund numeric := 0;
    v_new_refund numeric := coalesce(NEW.refund_amount, 0);
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF (NEW.payment_type = 'course' AND NEW.course_id IS NULL)
           OR (NEW.payment_type = 'workshop' AND NEW.workshop_id IS NULL)
           OR (NEW.payment_type = 'consultation' AND NEW.consultation_id IS NULL)
           OR (NEW.payment_type = 'engagement' AND NEW.engagement_request_id IS NULL) THEN
            RAISE EXCEPTION 'a % payment must name its target', NEW.payment_type
                USING ERRCODE = '23514', CONSTRAINT = 'payment_target_required';
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
