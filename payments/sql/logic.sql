-- Business logic of the payments app (spec 60, Functions and Payment flow; conventions §2, §3, §5, §6,
-- §10).
--   get_user_payment_history(uuid, int, int)  STABLE, SECURITY INVOKER, guarded
--   get_user_certificates(uuid)               STABLE, SECURITY INVOKER, guarded
--   generate_certificate_number()  trigger generate_cert_number    (certificates, BEFORE, INVOKER)
--   validate_payment_change()      trigger validate_payment_change (payments, BEFORE, INVOKER)
--   sync_payment_to_target()       trigger sync_payment_to_target  (payments, AFTER, DEFINER)
--   record_payment_revenue()       trigger record_payment_revenue  (payments, AFTER, DEFINER): the ONLY
--                                  producer of revenue_transactions rows (conventions §6)
-- Not here: update_item_revenue() / get_instructor_revenue_breakdown() (payments/0004_revenue_totals)
-- and the notification/realtime triggers on payments (notifications app).
-- Validation errors are check_violation (23514) with a stable reason in CONSTRAINT (conventions §10):
--   payment_target_required, immutable_column, invalid_payment_transition, refund_amount_decreased,
--   refund_requires_completed_payment; certificates: immutable_column, and 23505
--   certificate_number_exhausted after five colliding draws.

-- =============================================================================================
-- get_user_payment_history
-- =============================================================================================
-- Rows only for the user themself or a platform admin, otherwise an empty set. status is the enum
-- value as text; amount is what was charged, before any refund. Paging clamps: limit NULL/<1 -> 50,
-- >200 -> 200; offset NULL/<0 -> 0.
CREATE FUNCTION public.get_user_payment_history(
    p_user_id uuid,
    p_limit integer DEFAULT 50,
    p_offset integer DEFAULT 0
) RETURNS TABLE (
    payment_id uuid,
    amount numeric,
    currency text,
    payment_type text,
    status text,
    created_at timestamptz
)
LANGUAGE sql
STABLE
SECURITY INVOKER
AS $$
    SELECT p.id, p.amount, p.currency, p.payment_type, p.status::text, p.created_at
    FROM public.payments p
    WHERE p.user_id = p_user_id
      AND (p_user_id = (SELECT app.current_user_id()) OR (SELECT app.is_platform_admin()))
    ORDER BY p.created_at DESC, p.id DESC
    LIMIT CASE WHEN p_limit IS NULL OR p_limit < 1 THEN 50 WHEN p_limit > 200 THEN 200 ELSE p_limit END
    OFFSET CASE WHEN p_offset IS NULL OR p_offset < 0 THEN 0 ELSE p_offset END
$$;

-- =============================================================================================
-- get_user_certificates
-- =============================================================================================
-- All of the user's certificates (verified or not, expired or not), newest first; only for the user
-- themself or a platform admin, otherwise an empty set.
CREATE FUNCTION public.get_user_certificates(p_user_id uuid)
RETURNS TABLE (
    certificate_id uuid,
    title text,
    certificate_type text,
    certificate_number text,
    issue_date date,
    certificate_url text
)
LANGUAGE sql
STABLE
SECURITY INVOKER
AS $$
    SELECT c.id, c.title, c.certificate_type, c.certificate_number, c.issue_date, c.certificate_url
    FROM public.certificates c
    WHERE c.user_id = p_user_id
      AND (p_user_id = (SELECT app.current_user_id()) OR (SELECT app.is_platform_admin()))
    ORDER BY c.issue_date DESC, c.created_at DESC
$$;

-- =============================================================================================
-- generate_certificate_number (trigger generate_cert_number)
-- =============================================================================================
-- INSERT: issue_date NULL -> today (UTC); a NULL or blank number becomes
-- CERT-<CRS|WKS|PRG|ASM>-<YYYYMMDD of issue_date>-<12 upper-case hex of a fresh gen_random_uuid()>
-- (the first 12 hex digits of a version-4 UUID are all random: 48 bits). A candidate that already
-- exists is redrawn, at most five draws. A caller-supplied non-blank number (legacy import) is kept.
-- UPDATE: a NULL or blank number keeps the stored one (a stale Django instance saving ''); any other
-- change raises 23514 immutable_column.
-- SECURITY INVOKER (spec 60): under the app role the existence check sees only the rows the caller
-- may read; the UNIQUE index stays the final guarantee (a collision raises 23505 and the caller
-- retries the insert, which draws a new suffix).
CREATE FUNCTION public.generate_certificate_number()
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

CREATE TRIGGER generate_cert_number
    BEFORE INSERT OR UPDATE OF certificate_number ON public.certificates
    FOR EACH ROW
    EXECUTE FUNCTION public.generate_certificate_number();

-- =============================================================================================
-- validate_payment_change (trigger validate_payment_change)
-- =============================================================================================
-- Validation for every writer, system context included (23514). SECURITY INVOKER.
-- INSERT: the item column named by payment_type must be set; processed_at filled for a settled
--   payment; refunded_at filled when refund_amount > 0 (and, as on UPDATE, a 'completed' row carrying
--   a refund becomes 'refunded': the webhook's upsert of a row it never saw).
-- UPDATE: user_id, amount, currency, provider, payment_type immutable; the four target ids may only
--   become NULL (ON DELETE SET NULL); transaction_id only NULL -> value, once. Status transitions:
--   pending -> pending|completed|failed; failed -> failed|pending|completed;
--   completed -> completed|refunded; refunded -> refunded. refund_amount never decreases and may
--   become > 0 only from completed/refunded; an increase sets refunded_at = now() and
--   completed -> refunded. Becoming completed sets processed_at = COALESCE(NEW.processed_at, now()).
CREATE FUNCTION public.validate_payment_change()
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

CREATE TRIGGER validate_payment_change
    BEFORE INSERT OR UPDATE ON public.payments
    FOR EACH ROW
    EXECUTE FUNCTION public.validate_payment_change();

-- =============================================================================================
-- sync_payment_to_target (trigger sync_payment_to_target)
-- =============================================================================================
-- Mirrors (payment_id, payment_status) onto the consultation or engagement request the payment is
-- for, on INSERT and on a change of the final status. A pending or failed attempt never overwrites a
-- mirror that points at a different payment that is completed or refunded. The target's own status
-- is the payments service's business (flow steps 5-6). DEFINER: the writes are system context, so
-- the protect_* guards let the mirror through. No column list on the trigger: the status may be
-- changed by validate_payment_change (refund -> refunded), which a column-list trigger would miss.
CREATE FUNCTION public.sync_payment_to_target()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    v_settled boolean := NEW.status IN ('completed', 'refunded');
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.status IS NOT DISTINCT FROM OLD.status THEN
        RETURN NULL;
    END IF;

    IF NEW.consultation_id IS NOT NULL THEN
        UPDATE public.consultations c
        SET payment_id = NEW.id, payment_status = NEW.status
        WHERE c.id = NEW.consultation_id
          AND (c.payment_id, c.payment_status) IS DISTINCT FROM (NEW.id, NEW.status)
          AND (
              v_settled
              OR c.payment_id IS NULL
              OR c.payment_id = NEW.id
              OR NOT EXISTS (
                  SELECT 1 FROM public.payments p
                  WHERE p.id = c.payment_id AND p.status IN ('completed', 'refunded')
              )
          );
    END IF;

    IF NEW.engagement_request_id IS NOT NULL THEN
        UPDATE public.engagement_requests er
        SET payment_id = NEW.id, payment_status = NEW.status
        WHERE er.id = NEW.engagement_request_id
          AND (er.payment_id, er.payment_status) IS DISTINCT FROM (NEW.id, NEW.status)
          AND (
              v_settled
              OR er.payment_id IS NULL
              OR er.payment_id = NEW.id
              OR NOT EXISTS (
                  SELECT 1 FROM public.payments p
                  WHERE p.id = er.payment_id AND p.status IN ('completed', 'refunded')
              )
          );
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER sync_payment_to_target
    AFTER INSERT OR UPDATE ON public.payments
    FOR EACH ROW
    EXECUTE FUNCTION public.sync_payment_to_target();

-- =============================================================================================
-- record_payment_revenue (trigger record_payment_revenue) — the only revenue producer
-- =============================================================================================
-- Sale row: when the payment becomes completed (INSERT as completed, or UPDATE from another status;
--   also an INSERT that arrives already refunded, which was completed before: the webhook's upsert of a
--   row it never saw, so that its refund row has a sale to reverse). One row per payment (ON CONFLICT
--   on the unique partial index (payment_id) WHERE transaction_type <> 'refund': a replay writes
--   nothing). Type by payment_type: course -> course_enrollment, workshop -> workshop_registration,
--   consultation/engagement -> consultation. Fee 20.00 %: fee = round(amount * 20 / 100, 2),
--   earnings = amount - fee. No row for subscription/other, a deleted target, an item without an
--   instructor or expert, or amount 0 (free items).
-- Refund row: when refund_amount increases (OLD counted as 0 on INSERT) by delta: type refund,
--   amount = -delta, fee = -round(delta * pct / 100, 2) with pct from the payment's sale row (else
--   20.00), earnings = amount - fee; payment_provider_transaction_id NULL. The same cumulative value
--   again (a replayed webhook) gives delta 0 and writes nothing. Sale rows are never changed.
-- Item totals are not touched here (update_item_revenue_trigger on revenue_transactions).
CREATE FUNCTION public.record_payment_revenue()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    v_sale boolean;
    v_delta numeric(10,2);
    v_type public.transaction_type;
    v_instructor uuid;
    v_enrollment uuid;
    v_registration uuid;
    v_pct numeric(5,2);
    v_fee numeric(10,2);
BEGIN
    IF TG_OP = 'INSERT' THEN
        v_sale := NEW.status IN ('completed', 'refunded');
        v_delta := coalesce(NEW.refund_amount, 0);
    ELSE
        v_sale := NEW.status = 'completed' AND OLD.status IS DISTINCT FROM 'completed';
        v_delta := coalesce(NEW.refund_amount, 0) - coalesce(OLD.refund_amount, 0);
    END IF;
    IF NOT v_sale AND v_delta <= 0 THEN
        RETURN NULL;
    END IF;

    CASE NEW.payment_type
        WHEN 'course' THEN
            v_type := 'course_enrollment';
            SELECT co.instructor_id INTO v_instructor FROM public.courses co WHERE co.id = NEW.course_id;
            SELECT e.id INTO v_enrollment
            FROM public.enrollments e
            WHERE e.user_id = NEW.user_id AND e.course_id = NEW.course_id;
        WHEN 'workshop' THEN
            v_type := 'workshop_registration';
            SELECT w.instructor_id INTO v_instructor FROM public.workshops w WHERE w.id = NEW.workshop_id;
            IF NOT v_sale THEN
                -- A refund names the registration this payment paid for, when it points back.
                SELECT r.id INTO v_registration
                FROM public.workshop_registrations r
                WHERE r.payment_id = NEW.id
                ORDER BY r.registered_at DESC
                LIMIT 1;
            END IF;
            IF v_registration IS NULL THEN
                SELECT r.id INTO v_registration
                FROM public.workshop_registrations r
                WHERE r.workshop_id = NEW.workshop_id AND r.user_id = NEW.user_id;
            END IF;
        WHEN 'consultation' THEN
            v_type := 'consultation';
            SELECT c.expert_id INTO v_instructor FROM public.consultations c WHERE c.id = NEW.consultation_id;
        WHEN 'engagement' THEN
            v_type := 'consultation';
            SELECT er.expert_id INTO v_instructor
            FROM public.engagement_requests er
            WHERE er.id = NEW.engagement_request_id;
        ELSE
            RETURN NULL;  -- subscription / other: no instructor share
    END CASE;
    IF v_instructor IS NULL THEN
        RETURN NULL;  -- target deleted, or an item without an instructor
    END IF;

    IF v_sale AND NEW.amount > 0 THEN
        v_fee := round(NEW.amount * 20.00 / 100, 2);
        INSERT INTO public.revenue_transactions (
            instructor_id, student_id, transaction_type, amount, currency,
            platform_fee_percentage, platform_fee_amount, instructor_earnings,
            course_id, workshop_id, enrollment_id, workshop_registration_id,
            payment_id, consultation_id, engagement_request_id,
            payment_provider, payment_provider_transaction_id, payment_status, transaction_date
        ) VALUES (
            v_instructor, NEW.user_id, v_type, NEW.amount, NEW.currency,
            20.00, v_fee, NEW.amount - v_fee,
            NEW.course_id, NEW.workshop_id, v_enrollment, v_registration,
            NEW.id, NEW.consultation_id, NEW.engagement_request_id,
            NEW.provider, NEW.transaction_id, 'completed', coalesce(NEW.processed_at, pg_catalog.now())
        )
        ON CONFLICT (payment_id) WHERE transaction_type <> 'refund' DO NOTHING;
    END IF;

    IF v_delta > 0 THEN
        SELECT rt.platform_fee_percentage INTO v_pct
        FROM public.revenue_transactions rt
        WHERE rt.payment_id = NEW.id AND rt.transaction_type <> 'refund';
        v_pct := coalesce(v_pct, 20.00);
        v_fee := round(v_delta * v_pct / 100, 2);
        INSERT INTO public.revenue_transactions (
            instructor_id, student_id, transaction_type, amount, currency,
            platform_fee_percentage, platform_fee_amount, instructor_earnings,
            course_id, workshop_id, enrollment_id, workshop_registration_id,
            payment_id, consultation_id, engagement_request_id,
            payment_provider, payment_provider_transaction_id, payment_status, transaction_date
        ) VALUES (
            v_instructor, NEW.user_id, 'refund', -v_delta, NEW.currency,
            v_pct, -v_fee, -v_delta + v_fee,
            NEW.course_id, NEW.workshop_id, v_enrollment, v_registration,
            NEW.id, NEW.consultation_id, NEW.engagement_request_id,
            NEW.provider, NULL, 'completed', pg_catalog.now()
        );
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER record_payment_revenue
    AFTER INSERT OR UPDATE ON public.payments
    FOR EACH ROW
    EXECUTE FUNCTION public.record_payment_revenue();

-- =============================================================================================
-- Privileges (conventions §3): no PUBLIC EXECUTE; the app role may call the two read functions only.
-- =============================================================================================
REVOKE EXECUTE ON FUNCTION
    public.get_user_payment_history(uuid, integer, integer),
    public.get_user_certificates(uuid),
    public.generate_certificate_number(),
    public.validate_payment_change(),
    public.sync_payment_to_target(),
    public.record_payment_revenue()
FROM PUBLIC;

GRANT EXECUTE ON FUNCTION
    public.get_user_payment_history(uuid, integer, integer),
    public.get_user_certificates(uuid)
TO humanglue_app;
