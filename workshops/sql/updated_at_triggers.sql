-- updated_at triggers of the workshops app (spec 50 §1–§3; function from organizations/0001).
CREATE TRIGGER update_workshops_updated_at BEFORE UPDATE ON public.workshops FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();
CREATE TRIGGER update_workshop_registrations_updated_at BEFORE UPDATE ON public.workshop_registrations FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();
CREATE TRIGGER update_workshop_feedback_updated_at BEFORE UPDATE ON public.workshop_feedback FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();
