-- updated_at triggers of the talent app (spec 60; schema.md trigger table).
CREATE TRIGGER update_talent_profiles_updated_at BEFORE UPDATE ON public.talent_profiles
    FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();
CREATE TRIGGER update_engagement_requests_updated_at BEFORE UPDATE ON public.engagement_requests
    FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();
CREATE TRIGGER update_consultations_updated_at BEFORE UPDATE ON public.consultations
    FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();
