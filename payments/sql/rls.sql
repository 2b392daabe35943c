-- Row-level security of the payments app (spec 60; conventions §1, §3, §6, §11, §12).
-- Tables: payments, certificates, revenue_transactions. RLS is enabled, never forced: the owner
-- (migrations, the payments webhook and confirmation handlers in system context, SECURITY DEFINER
-- triggers such as record_payment_revenue(), the payout job) bypasses it.
-- No new app.* helper. Helpers used: app.current_user_id(), app.is_platform_admin(),
-- app.is_org_admin(uuid), app.is_org_member(uuid) (organizations) and app.is_instructor_of_course(uuid)
-- (instructors). Argument-free helpers are wrapped in (SELECT ...) (§11).
-- Policy names are exactly spec 60's (quoted English sentences; revenue_transactions keeps fragment
-- 20's snake_case names). Policies are PUBLIC. Outer columns inside EXISTS sub-queries are
-- table-qualified.
-- No guard trigger here: payments' column rules are validation (validate_payment_change, 23514) and
-- certificate numbers belong to generate_certificate_number(); both are business triggers of the next
-- issue. Users get no UPDATE/DELETE policy on payments and the app role has SELECT only on
-- revenue_transactions.

-- =============================================================================================
-- payments
-- =============================================================================================
ALTER TABLE public.payments ENABLE ROW LEVEL SECURITY;

GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.payments TO humanglue_app;

CREATE POLICY "Users can view their own payments" ON public.payments
    FOR SELECT
    USING (user_id = (SELECT app.current_user_id()));

-- Conventions §8: org admins (not members) read their organization's payments.
CREATE POLICY "Org admins can view org payments" ON public.payments
    FOR SELECT
    USING (organization_id IS NOT NULL AND app.is_org_admin(organization_id));

-- A user may only open a pending attempt through a real provider, for themself, for a consultation or
-- engagement they are the client of. Status, refund and provider changes come only from the trusted
-- payments service (system context).
CREATE POLICY "Users can create pending payments" ON public.payments
    FOR INSERT
    WITH CHECK (
        user_id = (SELECT app.current_user_id())
        AND status = 'pending'
        AND provider <> 'manual'
        AND refund_amount IS NULL
        AND processed_at IS NULL
        AND (organization_id IS NULL OR app.is_org_member(organization_id))
        AND (
            consultation_id IS NULL
            OR EXISTS (
                SELECT 1 FROM public.consultations c
                WHERE c.id = payments.consultation_id AND c.user_id = (SELECT app.current_user_id())
            )
        )
        AND (
            engagement_request_id IS NULL
            OR EXISTS (
                SELECT 1 FROM public.engagement_requests er
                WHERE er.id = payments.engagement_request_id AND er.client_id = (SELECT app.current_user_id())
            )
        )
    );

CREATE POLICY "Admins can manage all payments" ON public.payments
    FOR ALL
    USING ((SELECT app.is_platform_admin()))
    WITH CHECK ((SELECT app.is_platform_admin()));

-- =============================================================================================
-- certificates
-- =============================================================================================
ALTER TABLE public.certificates ENABLE ROW LEVEL SECURITY;

GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.certificates TO humanglue_app;

CREATE POLICY "Users can view their own certificates" ON public.certificates
    FOR SELECT
    USING (user_id = (SELECT app.current_user_id()));

-- Public verification (anonymous included); only certificates marked verified.
CREATE POLICY "Anyone can verify certificates" ON public.certificates
    FOR SELECT
    USING (is_verified = true);

-- Only the instructor of that course or workshop, as the issuer. Program and assessment certificates
-- are issued by admins or the system.
CREATE POLICY "Instructors can issue certificates" ON public.certificates
    FOR INSERT
    WITH CHECK (
        issued_by = (SELECT app.current_user_id())
        AND (
            (certificate_type = 'course' AND course_id IS NOT NULL AND app.is_instructor_of_course(course_id))
            OR (
                certificate_type = 'workshop'
                AND workshop_id IS NOT NULL
                AND EXISTS (
                    SELECT 1 FROM public.workshops w
                    WHERE w.id = certificates.workshop_id AND w.instructor_id = (SELECT app.current_user_id())
                )
            )
        )
    );

CREATE POLICY "Admins can manage all certificates" ON public.certificates
    FOR ALL
    USING ((SELECT app.is_platform_admin()))
    WITH CHECK ((SELECT app.is_platform_admin()));

-- =============================================================================================
-- revenue_transactions
-- =============================================================================================
ALTER TABLE public.revenue_transactions ENABLE ROW LEVEL SECURITY;

-- SELECT only (conventions §1, §6): rows are written only by record_payment_revenue() (SECURITY
-- DEFINER), payout columns only by the payout job in system context.
GRANT SELECT ON TABLE public.revenue_transactions TO humanglue_app;

CREATE POLICY revenue_transactions_select_instructor ON public.revenue_transactions
    FOR SELECT
    USING (instructor_id = (SELECT app.current_user_id()));

CREATE POLICY revenue_transactions_select_platform_admin ON public.revenue_transactions
    FOR SELECT
    USING ((SELECT app.is_platform_admin()));
