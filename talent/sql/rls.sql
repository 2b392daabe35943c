-- Row-level security of the talent app (spec 60; conventions §1, §2, §3, §11, §12).
-- Tables: talent_profiles, engagement_requests, consultations. RLS is enabled, never forced: the owner
-- (migrations, SECURITY DEFINER triggers such as update_talent_rating(), the payments service in
-- system context) bypasses it.
-- No new app.* helper (spec 60). Helpers used: app.current_user_id(), app.is_platform_admin(),
-- app.is_org_admin(uuid), app.is_org_member(uuid) and public.has_role(uuid, text) (organizations).
-- Argument-free helpers are wrapped in (SELECT ...) so they run once per statement (§11).
-- Policy names are the quoted English sentences of spec 60 (conventions §12). Policies are PUBLIC.
-- Outer columns inside EXISTS sub-queries are table-qualified, so they never resolve to a column of
-- the sub-query's table (talent_profiles also has a user_id).

-- =============================================================================================
-- talent_profiles
-- =============================================================================================
ALTER TABLE public.talent_profiles ENABLE ROW LEVEL SECURITY;

GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.talent_profiles TO humanglue_app;

-- The generated column search_vector calls talent_search_document(); PostgreSQL checks EXECUTE on it
-- against the inserting/updating role (conventions §3).
GRANT EXECUTE ON FUNCTION public.talent_search_document(text, text, text[], text[], text, text) TO humanglue_app;

CREATE POLICY "Anyone can view public talent profiles" ON public.talent_profiles
    FOR SELECT
    USING (is_public = true);

CREATE POLICY "Experts can view their own profile" ON public.talent_profiles
    FOR SELECT
    USING (user_id = (SELECT app.current_user_id()));

-- The counters are pinned at INSERT: preserve_maintained_columns() acts on UPDATE only (spec 60).
CREATE POLICY "Experts can create their own profile" ON public.talent_profiles
    FOR INSERT
    WITH CHECK (
        user_id = (SELECT app.current_user_id())
        AND (SELECT public.has_role((SELECT app.current_user_id()), 'expert'))
        AND rating = 0
        AND review_count = 0
        AND total_sessions = 0
    );

CREATE POLICY "Experts can update their own profile" ON public.talent_profiles
    FOR UPDATE
    USING (user_id = (SELECT app.current_user_id()))
    WITH CHECK (user_id = (SELECT app.current_user_id()));

-- DESIGNED (spec 60): the API refuses while the expert has open engagement requests.
CREATE POLICY "Experts can delete their own profile" ON public.talent_profiles
    FOR DELETE
    USING (user_id = (SELECT app.current_user_id()));

CREATE POLICY "Admins can manage all talent profiles" ON public.talent_profiles
    FOR ALL
    USING ((SELECT app.is_platform_admin()))
    WITH CHECK ((SELECT app.is_platform_admin()));

-- rating, review_count and total_sessions belong to update_talent_rating() (SECURITY DEFINER, so
-- system context) and owner-run repairs. Any API caller, platform admins included, keeps OLD's values.
CREATE TRIGGER protect_talent_profile_counters
    BEFORE UPDATE ON public.talent_profiles
    FOR EACH ROW
    EXECUTE FUNCTION public.preserve_maintained_columns('rating', 'review_count', 'total_sessions');

-- =============================================================================================
-- engagement_requests
-- =============================================================================================
ALTER TABLE public.engagement_requests ENABLE ROW LEVEL SECURITY;

GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.engagement_requests TO humanglue_app;

CREATE POLICY "Clients can view their engagement requests" ON public.engagement_requests
    FOR SELECT
    USING (client_id = (SELECT app.current_user_id()));

CREATE POLICY "Experts can view their engagement requests" ON public.engagement_requests
    FOR SELECT
    USING (expert_id = (SELECT app.current_user_id()));

-- DESIGNED (spec 60; conventions §8: org admins read their org's engagement requests).
CREATE POLICY "Org admins can view org engagement requests" ON public.engagement_requests
    FOR SELECT
    USING (organization_id IS NOT NULL AND app.is_org_admin(organization_id));

-- A request starts pending, with no hours used, no payment mirror and no score, to an expert whose
-- profile is public and accepting clients (the sub-query runs under talent_profiles' own RLS).
CREATE POLICY "Clients can create engagement requests" ON public.engagement_requests
    FOR INSERT
    WITH CHECK (
        client_id = (SELECT app.current_user_id())
        AND status = 'pending'
        AND hours_used = 0
        AND payment_id IS NULL
        AND payment_status IS NULL
        AND client_satisfaction_score IS NULL
        AND (organization_id IS NULL OR app.is_org_member(organization_id))
        AND EXISTS (
            SELECT 1 FROM public.talent_profiles tp
            WHERE tp.user_id = engagement_requests.expert_id AND tp.is_public AND tp.accepting_clients
        )
    );

CREATE POLICY "Clients can update their engagement requests" ON public.engagement_requests
    FOR UPDATE
    USING (client_id = (SELECT app.current_user_id()))
    WITH CHECK (client_id = (SELECT app.current_user_id()));

CREATE POLICY "Experts can update their engagement requests" ON public.engagement_requests
    FOR UPDATE
    USING (expert_id = (SELECT app.current_user_id()))
    WITH CHECK (expert_id = (SELECT app.current_user_id()));

CREATE POLICY "Admins can manage all engagement requests" ON public.engagement_requests
    FOR ALL
    USING ((SELECT app.is_platform_admin()))
    WITH CHECK ((SELECT app.is_platform_admin()));

-- hours_used belongs to update_engagement_hours(), the payment mirrors to sync_payment_to_target()
-- (both SECURITY DEFINER) and the SET NULL cascade from payments (runs as the owner).
CREATE TRIGGER protect_engagement_request_maintained
    BEFORE UPDATE ON public.engagement_requests
    FOR EACH ROW
    EXECUTE FUNCTION public.preserve_maintained_columns('hours_used', 'payment_id', 'payment_status');

-- =============================================================================================
-- consultations
-- =============================================================================================
ALTER TABLE public.consultations ENABLE ROW LEVEL SECURITY;

GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.consultations TO humanglue_app;

CREATE POLICY "Users can view their own consultations" ON public.consultations
    FOR SELECT
    USING (user_id = (SELECT app.current_user_id()));

CREATE POLICY "Experts can view their consultations" ON public.consultations
    FOR SELECT
    USING (expert_id = (SELECT app.current_user_id()));

CREATE POLICY "Org admins can view org consultations" ON public.consultations
    FOR SELECT
    USING (organization_id IS NOT NULL AND app.is_org_admin(organization_id));

-- A standalone booking: requested, no payment mirror, no rating, with a public expert who accepts
-- clients.
CREATE POLICY "Users can book consultations" ON public.consultations
    FOR INSERT
    WITH CHECK (
        user_id = (SELECT app.current_user_id())
        AND engagement_request_id IS NULL
        AND status = 'requested'
        AND payment_id IS NULL
        AND payment_status IS NULL
        AND user_rating IS NULL
        AND (organization_id IS NULL OR app.is_org_member(organization_id))
        AND EXISTS (
            SELECT 1 FROM public.talent_profiles tp
            WHERE tp.user_id = consultations.expert_id AND tp.is_public AND tp.accepting_clients
        )
    );

-- A session inside an active engagement, by either party; only the expert may insert it already
-- scheduled. The composite FK forces user_id/expert_id to be the engagement's parties. The pins on
-- payment_id, payment_status and user_rating are the editor's addition (spec 60).
CREATE POLICY "Engagement parties can schedule sessions" ON public.consultations
    FOR INSERT
    WITH CHECK (
        engagement_request_id IS NOT NULL
        AND (user_id = (SELECT app.current_user_id()) OR expert_id = (SELECT app.current_user_id()))
        AND (status = 'requested' OR (status = 'scheduled' AND expert_id = (SELECT app.current_user_id())))
        AND payment_id IS NULL
        AND payment_status IS NULL
        AND user_rating IS NULL
        AND EXISTS (
            SELECT 1 FROM public.engagement_requests er
            WHERE er.id = consultations.engagement_request_id AND er.status = 'active'
        )
    );

CREATE POLICY "Users can update their own consultations" ON public.consultations
    FOR UPDATE
    USING (user_id = (SELECT app.current_user_id()))
    WITH CHECK (user_id = (SELECT app.current_user_id()));

CREATE POLICY "Experts can update their consultations" ON public.consultations
    FOR UPDATE
    USING (expert_id = (SELECT app.current_user_id()))
    WITH CHECK (expert_id = (SELECT app.current_user_id()));

-- From 004's "Experts can manage sessions": only unfinished sessions of an engagement.
CREATE POLICY "Experts can delete unfinished engagement sessions" ON public.consultations
    FOR DELETE
    USING (
        expert_id = (SELECT app.current_user_id())
        AND engagement_request_id IS NOT NULL
        AND status <> 'completed'
    );

-- DESIGNED (spec 60).
CREATE POLICY "Admins can manage all consultations" ON public.consultations
    FOR ALL
    USING ((SELECT app.is_platform_admin()))
    WITH CHECK ((SELECT app.is_platform_admin()));

-- The payment mirror belongs to sync_payment_to_target() (SECURITY DEFINER) and the SET NULL cascade.
CREATE TRIGGER protect_consultation_payment_mirror
    BEFORE UPDATE ON public.consultations
    FOR EACH ROW
    EXECUTE FUNCTION public.preserve_maintained_columns('payment_id', 'payment_status');
