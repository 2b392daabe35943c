-- Reverse of logic_notify.sql: the five trigger_notify_* triggers, then the eight functions.
DROP TRIGGER IF EXISTS trigger_notify_payment ON public.payments;
DROP TRIGGER IF EXISTS trigger_notify_new_review ON public.course_reviews;
DROP TRIGGER IF EXISTS trigger_notify_workshop_registration ON public.workshop_registrations;
DROP TRIGGER IF EXISTS trigger_notify_completion ON public.enrollments;
DROP TRIGGER IF EXISTS trigger_notify_new_enrollment ON public.enrollments;

DROP FUNCTION IF EXISTS public.notify_instructor_payment();
DROP FUNCTION IF EXISTS public.notify_instructor_new_review();
DROP FUNCTION IF EXISTS public.notify_instructor_completion();
DROP FUNCTION IF EXISTS public.notify_instructor_workshop_registration();
DROP FUNCTION IF EXISTS public.notify_instructor_new_enrollment();
DROP FUNCTION IF EXISTS public.cleanup_stale_presence();
DROP FUNCTION IF EXISTS public.cleanup_old_notifications();
DROP FUNCTION IF EXISTS public.create_notification(uuid, text, text, text, jsonb, timestamptz);
