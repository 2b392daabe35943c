-- Reverse of rls.sql: policies, RLS and grants of the assessments app.
DROP POLICY IF EXISTS responses_platform_admin_all ON public.assessment_responses;
DROP POLICY IF EXISTS responses_own_update ON public.assessment_responses;
DROP POLICY IF EXISTS responses_own_insert ON public.assessment_responses;
DROP POLICY IF EXISTS responses_own_read ON public.assessment_responses;

DROP POLICY IF EXISTS assessments_platform_admin_all ON public.assessments;
DROP POLICY IF EXISTS assessments_org_admin_read ON public.assessments;
DROP POLICY IF EXISTS assessments_own_update ON public.assessments;
DROP POLICY IF EXISTS assessments_own_insert ON public.assessments;
DROP POLICY IF EXISTS assessments_own_read ON public.assessments;

REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLE public.assessment_responses FROM humanglue_app;
REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLE public.assessments FROM humanglue_app;

ALTER TABLE public.assessment_responses DISABLE ROW LEVEL SECURITY;
ALTER TABLE public.assessments DISABLE ROW LEVEL SECURITY;
