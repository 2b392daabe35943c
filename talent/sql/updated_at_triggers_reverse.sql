-- Reverse of updated_at_triggers.sql.
DROP TRIGGER IF EXISTS update_consultations_updated_at ON public.consultations;
DROP TRIGGER IF EXISTS update_engagement_requests_updated_at ON public.engagement_requests;
DROP TRIGGER IF EXISTS update_talent_profiles_updated_at ON public.talent_profiles;
