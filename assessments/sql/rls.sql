-- Row-level security of the assessments app (spec 50 §4–§5; conventions §1, §8, §11): RLS on the
-- 2 tables, their grants and their 9 policies. Uses the organizations helpers (organizations/0002).
-- Business triggers (derive_assessment_fields, response rules, scoring) are not here.

ALTER TABLE public.assessments ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.assessment_responses ENABLE ROW LEVEL SECURITY;

GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.assessments TO humanglue_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.assessment_responses TO humanglue_app;

-- ---------------------------------------------------------------------------------------------
-- assessments: 5 policies (spec 50 §4). Org admins and platform admins read other members'
-- assessments; team leads and plain members do not (conventions §8).
-- ---------------------------------------------------------------------------------------------
CREATE POLICY assessments_own_read ON public.assessments
    FOR SELECT
    USING (user_id = (SELECT app.current_user_id()));

CREATE POLICY assessments_own_insert ON public.assessments
    FOR INSERT
    WITH CHECK (
        user_id = (SELECT app.current_user_id())
        AND (organization_id IS NULL OR app.is_org_member(organization_id))
    );

-- Once completed (or archived), an assessment is final for its user.
CREATE POLICY assessments_own_update ON public.assessments
    FOR UPDATE
    USING (user_id = (SELECT app.current_user_id()) AND status IN ('not_started', 'in_progress'))
    WITH CHECK (user_id = (SELECT app.current_user_id()));

CREATE POLICY assessments_org_admin_read ON public.assessments
    FOR SELECT
    USING (organization_id IS NOT NULL AND app.is_org_admin(organization_id));

CREATE POLICY assessments_platform_admin_all ON public.assessments
    FOR ALL
    USING ((SELECT app.is_platform_admin()))
    WITH CHECK ((SELECT app.is_platform_admin()));

-- ---------------------------------------------------------------------------------------------
-- assessment_responses: 4 policies (spec 50 §5). Only the assessment's owner and platform admins
-- see raw answers; org admins see scores in assessments but not responses. The subqueries read
-- assessments under its own policies (the owner always sees their own rows; no cycle).
-- ---------------------------------------------------------------------------------------------
CREATE POLICY responses_own_read ON public.assessment_responses
    FOR SELECT
    USING (EXISTS (
        SELECT 1
        FROM public.assessments a
        WHERE a.id = assessment_responses.assessment_id
          AND a.user_id = (SELECT app.current_user_id())
    ));

CREATE POLICY responses_own_insert ON public.assessment_responses
    FOR INSERT
    WITH CHECK (EXISTS (
        SELECT 1
        FROM public.assessments a
        WHERE a.id = assessment_responses.assessment_id
          AND a.user_id = (SELECT app.current_user_id())
          AND a.status IN ('not_started', 'in_progress')
    ));

CREATE POLICY responses_own_update ON public.assessment_responses
    FOR UPDATE
    USING (EXISTS (
        SELECT 1
        FROM public.assessments a
        WHERE a.id = assessment_responses.assessment_id
          AND a.user_id = (SELECT app.current_user_id())
          AND a.status IN ('not_started', 'in_progress')
    ))
    WITH CHECK (EXISTS (
        SELECT 1
        FROM public.assessments a
        WHERE a.id = assessment_responses.assessment_id
          AND a.user_id = (SELECT app.current_user_id())
          AND a.status IN ('not_started', 'in_progress')
    ));

CREATE POLICY responses_platform_admin_all ON public.assessment_responses
    FOR ALL
    USING ((SELECT app.is_platform_admin()))
    WITH CHECK ((SELECT app.is_platform_admin()));
