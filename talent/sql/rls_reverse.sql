-- Reverse of rls.sql: triggers, policies, grants, RLS. The role itself is never dropped here.

-- consultations
DROP TRIGGER IF EXISTS protect_consultation_payment_mirror ON public.consultations;
DROP POLICY IF EXISTS "Admins can manage all consultations" ON public.consultations;
DROP POLICY IF EXISTS "Experts can delete unfinished engagement sessions" ON public.consultations;
DROP POLICY IF EXISTS "Experts can update their consultations" ON public.consultations;
DROP POLICY IF EXISTS "Users can update their own consultations" ON public.consultations;
DROP POLICY IF EXISTS "Engagement parties can schedule sessions" ON public.consultations;
DROP POLICY IF EXISTS "Users can book consultations" ON public.consultations;
DROP POLICY IF EXISTS "Org admins can view org consultations" ON public.consultations;
DROP POLICY IF EXISTS "Experts can view their consultations" ON public.consultations;
DROP POLICY IF EXISTS "Users can view their own consultations" ON public.consultations;
REVOKE ALL ON TABLE public.consultations FROM humanglue_app;
ALTER TABLE public.consultations DISABLE ROW LEVEL SECURITY;

-- engagement_requests
DROP TRIGGER IF EXISTS protect_engagement_request_maintained ON public.engagement_requests;
DROP POLICY IF EXISTS "Admins can manage all engagement requests" ON public.engagement_requests;
DROP POLICY IF EXISTS "Experts can update their engagement requests" ON public.engagement_requests;
DROP POLICY IF EXISTS "Clients can update their engagement requests" ON public.engagement_requests;
DROP POLICY IF EXISTS "Clients can create engagement requests" ON public.engagement_requests;
DROP POLICY IF EXISTS "Org admins can view org engagement requests" ON public.engagement_requests;
DROP POLICY IF EXISTS "Experts can view their engagement requests" ON public.engagement_requests;
DROP POLICY IF EXISTS "Clients can view their engagement requests" ON public.engagement_requests;
REVOKE ALL ON TABLE public.engagement_requests FROM humanglue_app;
ALTER TABLE public.engagement_requests DISABLE ROW LEVEL SECURITY;

-- talent_profiles
DROP TRIGGER IF EXISTS protect_talent_profile_counters ON public.talent_profiles;
DROP POLICY IF EXISTS "Admins can manage all talent profiles" ON public.talent_profiles;
DROP POLICY IF EXISTS "Experts can delete their own profile" ON public.talent_profiles;
DROP POLICY IF EXISTS "Experts can update their own profile" ON public.talent_profiles;
DROP POLICY IF EXISTS "Experts can create their own profile" ON public.talent_profiles;
DROP POLICY IF EXISTS "Experts can view their own profile" ON public.talent_profiles;
DROP POLICY IF EXISTS "Anyone can view public talent profiles" ON public.talent_profiles;
REVOKE EXECUTE ON FUNCTION public.talent_search_document(text, text, text[], text[], text, text) FROM humanglue_app;
REVOKE ALL ON TABLE public.talent_profiles FROM humanglue_app;
ALTER TABLE public.talent_profiles DISABLE ROW LEVEL SECURITY;
