-- Reverse of rls.sql: policies, guard trigger, helpers, RLS and grants of the workshops app.
DROP POLICY IF EXISTS feedback_platform_admin_all ON public.workshop_feedback;
DROP POLICY IF EXISTS feedback_instructor_read ON public.workshop_feedback;
DROP POLICY IF EXISTS feedback_own_update ON public.workshop_feedback;
DROP POLICY IF EXISTS feedback_own_insert ON public.workshop_feedback;
DROP POLICY IF EXISTS feedback_own_read ON public.workshop_feedback;

DROP POLICY IF EXISTS registrations_platform_admin_all ON public.workshop_registrations;
DROP POLICY IF EXISTS registrations_org_admin_read ON public.workshop_registrations;
DROP POLICY IF EXISTS registrations_instructor_update ON public.workshop_registrations;
DROP POLICY IF EXISTS registrations_instructor_read ON public.workshop_registrations;
DROP POLICY IF EXISTS registrations_own_update ON public.workshop_registrations;
DROP POLICY IF EXISTS registrations_own_insert ON public.workshop_registrations;
DROP POLICY IF EXISTS registrations_own_read ON public.workshop_registrations;

DROP POLICY IF EXISTS workshops_platform_admin_all ON public.workshops;
DROP POLICY IF EXISTS workshops_instructor_delete ON public.workshops;
DROP POLICY IF EXISTS workshops_instructor_update ON public.workshops;
DROP POLICY IF EXISTS workshops_instructor_insert ON public.workshops;
DROP POLICY IF EXISTS workshops_org_admin_read ON public.workshops;
DROP POLICY IF EXISTS workshops_org_member_read ON public.workshops;
DROP POLICY IF EXISTS workshops_registrant_read ON public.workshops;
DROP POLICY IF EXISTS workshops_instructor_read ON public.workshops;
DROP POLICY IF EXISTS workshops_public_read ON public.workshops;

REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLE public.workshop_feedback FROM humanglue_app;
REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLE public.workshop_registrations FROM humanglue_app;
REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLE public.workshops FROM humanglue_app;

ALTER TABLE public.workshop_feedback DISABLE ROW LEVEL SECURITY;
ALTER TABLE public.workshop_registrations DISABLE ROW LEVEL SECURITY;
ALTER TABLE public.workshops DISABLE ROW LEVEL SECURITY;

DROP TRIGGER IF EXISTS guard_workshops_columns ON public.workshops;

DROP FUNCTION IF EXISTS app.is_workshop_registrant(uuid);
DROP FUNCTION IF EXISTS app.is_workshop_instructor(uuid);
