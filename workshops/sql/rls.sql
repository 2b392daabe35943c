-- Row-level security of the workshops app (spec 50 §0.3, §1–§3; conventions §1–§3, §11).
-- Helpers app.is_workshop_instructor / app.is_workshop_registrant, the guard trigger on
-- workshops.total_revenue, RLS on the 3 tables, their grants and their 21 policies.
-- Uses: the organizations helpers and preserve_maintained_columns() (organizations/0002) and
-- app.is_instructor() (instructors/0002). Business triggers (admission, waitlist, derive_*, feedback
-- rules) are not here.

-- ---------------------------------------------------------------------------------------------
-- Helpers (spec 50 §0.3). SECURITY DEFINER so that the policies of workshops and
-- workshop_registrations can look at each other without "infinite recursion detected in policy".
-- Both return false when the caller or the argument is NULL, or the workshop is unknown.
-- ---------------------------------------------------------------------------------------------
CREATE FUNCTION app.is_workshop_instructor(p_workshop_id uuid)
RETURNS boolean
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
    -- The single place to extend if co-facilitators are ever added (spec 50 §8).
    SELECT EXISTS (
        SELECT 1
        FROM public.workshops w
        WHERE w.id = p_workshop_id
          AND w.instructor_id = app.current_user_id()
    );
$$;

CREATE FUNCTION app.is_workshop_registrant(p_workshop_id uuid)
RETURNS boolean
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
    -- Any status: registrants keep seeing completed and cancelled workshops (history, recording).
    SELECT EXISTS (
        SELECT 1
        FROM public.workshop_registrations r
        WHERE r.workshop_id = p_workshop_id
          AND r.user_id = app.current_user_id()
    );
$$;

REVOKE EXECUTE ON FUNCTION app.is_workshop_instructor(uuid) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION app.is_workshop_registrant(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.is_workshop_instructor(uuid) TO humanglue_app;
GRANT EXECUTE ON FUNCTION app.is_workshop_registrant(uuid) TO humanglue_app;

-- ---------------------------------------------------------------------------------------------
-- Guard (spec 50 §1, conventions §2): total_revenue is maintained by the payments app's
-- update_item_revenue_trigger (system context); a non-system UPDATE silently keeps OLD.total_revenue.
-- Fires after derive_workshop_columns_trigger (name order).
-- ---------------------------------------------------------------------------------------------
CREATE TRIGGER guard_workshops_columns
    BEFORE UPDATE ON public.workshops
    FOR EACH ROW EXECUTE FUNCTION public.preserve_maintained_columns('total_revenue');

-- ---------------------------------------------------------------------------------------------
-- Row-level security (ENABLE, never FORCE: the owner is system context) and grants (conventions §1).
-- ---------------------------------------------------------------------------------------------
ALTER TABLE public.workshops ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.workshop_registrations ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.workshop_feedback ENABLE ROW LEVEL SECURITY;

GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.workshops TO humanglue_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.workshop_registrations TO humanglue_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.workshop_feedback TO humanglue_app;

-- ---------------------------------------------------------------------------------------------
-- workshops: 9 policies (spec 50 §1)
-- ---------------------------------------------------------------------------------------------
CREATE POLICY workshops_public_read ON public.workshops
    FOR SELECT
    USING (status = 'published');

CREATE POLICY workshops_instructor_read ON public.workshops
    FOR SELECT
    USING (instructor_id = (SELECT app.current_user_id()));

CREATE POLICY workshops_registrant_read ON public.workshops
    FOR SELECT
    USING (app.is_workshop_registrant(id));

CREATE POLICY workshops_org_member_read ON public.workshops
    FOR SELECT
    USING (organization_id IS NOT NULL AND app.is_org_member(organization_id) AND status <> 'draft');

CREATE POLICY workshops_org_admin_read ON public.workshops
    FOR SELECT
    USING (organization_id IS NOT NULL AND app.is_org_admin(organization_id));

CREATE POLICY workshops_instructor_insert ON public.workshops
    FOR INSERT
    WITH CHECK (
        instructor_id = (SELECT app.current_user_id())
        AND (SELECT app.is_instructor())
        AND (organization_id IS NULL OR app.is_org_member(organization_id))
    );

CREATE POLICY workshops_instructor_update ON public.workshops
    FOR UPDATE
    USING (instructor_id = (SELECT app.current_user_id()))
    WITH CHECK (instructor_id = (SELECT app.current_user_id()));

-- A published workshop is cancelled, not deleted (delete cascades to registrations).
CREATE POLICY workshops_instructor_delete ON public.workshops
    FOR DELETE
    USING (instructor_id = (SELECT app.current_user_id()) AND status = 'draft');

CREATE POLICY workshops_platform_admin_all ON public.workshops
    FOR ALL
    USING ((SELECT app.is_platform_admin()))
    WITH CHECK ((SELECT app.is_platform_admin()));

-- ---------------------------------------------------------------------------------------------
-- workshop_registrations: 7 policies (spec 50 §2). Which columns and status transitions a
-- registrant may change is enforced by enforce_workshop_registration_rules() (§6.2), not here.
-- No DELETE policy for registrants or instructors: they cancel instead.
-- ---------------------------------------------------------------------------------------------
CREATE POLICY registrations_own_read ON public.workshop_registrations
    FOR SELECT
    USING (user_id = (SELECT app.current_user_id()));

CREATE POLICY registrations_own_insert ON public.workshop_registrations
    FOR INSERT
    WITH CHECK (
        user_id = (SELECT app.current_user_id())
        AND (organization_id IS NULL OR app.is_org_member(organization_id))
    );

CREATE POLICY registrations_own_update ON public.workshop_registrations
    FOR UPDATE
    USING (user_id = (SELECT app.current_user_id()))
    WITH CHECK (user_id = (SELECT app.current_user_id()));

CREATE POLICY registrations_instructor_read ON public.workshop_registrations
    FOR SELECT
    USING (app.is_workshop_instructor(workshop_id));

-- Lets instructors mark attendance and no-shows.
CREATE POLICY registrations_instructor_update ON public.workshop_registrations
    FOR UPDATE
    USING (app.is_workshop_instructor(workshop_id));

CREATE POLICY registrations_org_admin_read ON public.workshop_registrations
    FOR SELECT
    USING (organization_id IS NOT NULL AND app.is_org_admin(organization_id));

CREATE POLICY registrations_platform_admin_all ON public.workshop_registrations
    FOR ALL
    USING ((SELECT app.is_platform_admin()))
    WITH CHECK ((SELECT app.is_platform_admin()));

-- ---------------------------------------------------------------------------------------------
-- workshop_feedback: 5 policies (spec 50 §3). workshop_id and user_id are copied from the
-- registration by enforce_workshop_feedback_rules() before the WITH CHECK is evaluated.
-- ---------------------------------------------------------------------------------------------
CREATE POLICY feedback_own_read ON public.workshop_feedback
    FOR SELECT
    USING (user_id = (SELECT app.current_user_id()));

CREATE POLICY feedback_own_insert ON public.workshop_feedback
    FOR INSERT
    WITH CHECK (user_id = (SELECT app.current_user_id()));

CREATE POLICY feedback_own_update ON public.workshop_feedback
    FOR UPDATE
    USING (user_id = (SELECT app.current_user_id()))
    WITH CHECK (user_id = (SELECT app.current_user_id()));

CREATE POLICY feedback_instructor_read ON public.workshop_feedback
    FOR SELECT
    USING (app.is_workshop_instructor(workshop_id));

CREATE POLICY feedback_platform_admin_all ON public.workshop_feedback
    FOR ALL
    USING ((SELECT app.is_platform_admin()))
    WITH CHECK ((SELECT app.is_platform_admin()));
