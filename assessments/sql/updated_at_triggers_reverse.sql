-- Reverse of updated_at_triggers.sql.
DROP TRIGGER IF EXISTS update_assessments_updated_at ON public.assessments;
