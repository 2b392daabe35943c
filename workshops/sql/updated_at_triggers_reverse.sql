-- Reverse of updated_at_triggers.sql.
DROP TRIGGER IF EXISTS update_workshop_feedback_updated_at ON public.workshop_feedback;
DROP TRIGGER IF EXISTS update_workshop_registrations_updated_at ON public.workshop_registrations;
DROP TRIGGER IF EXISTS update_workshops_updated_at ON public.workshops;
