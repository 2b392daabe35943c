-- Reverse of logic.sql: drops exactly the triggers and functions it created.
DROP TRIGGER IF EXISTS update_hours_on_session_complete ON public.consultations;
DROP TRIGGER IF EXISTS update_rating_on_consultation_review ON public.consultations;
DROP TRIGGER IF EXISTS update_rating_on_engagement_review ON public.engagement_requests;
DROP FUNCTION IF EXISTS public.update_engagement_hours();
DROP FUNCTION IF EXISTS public.update_talent_rating();
DROP FUNCTION IF EXISTS public.get_client_engagement_summary(uuid);
DROP FUNCTION IF EXISTS public.search_talent(text[], text[], numeric, text, integer, integer, text);
