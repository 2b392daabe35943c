-- updated_at trigger of the assessments app (spec 50 §4; assessment_responses has no updated_at).
CREATE TRIGGER update_assessments_updated_at BEFORE UPDATE ON public.assessments FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();
