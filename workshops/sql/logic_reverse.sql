-- Reverse of logic.sql: the 6 business triggers and the 13 functions of the workshops app.
DROP TRIGGER IF EXISTS update_workshop_satisfaction_trigger ON public.workshop_feedback;
DROP TRIGGER IF EXISTS enforce_workshop_feedback_rules_trigger ON public.workshop_feedback;
DROP TRIGGER IF EXISTS update_workshop_registration_stats_trigger ON public.workshop_registrations;
DROP TRIGGER IF EXISTS enforce_workshop_registration_rules_trigger ON public.workshop_registrations;
DROP TRIGGER IF EXISTS promote_waitlist_on_workshop_change_trigger ON public.workshops;
DROP TRIGGER IF EXISTS derive_workshop_columns_trigger ON public.workshops;

DROP FUNCTION IF EXISTS public.get_user_workshop_history(uuid);
DROP FUNCTION IF EXISTS public.get_available_workshops(text, text, integer, integer);
DROP FUNCTION IF EXISTS public.update_workshop_satisfaction();
DROP FUNCTION IF EXISTS public.enforce_workshop_feedback_rules();
DROP FUNCTION IF EXISTS public.release_expired_workshop_holds(interval);
DROP FUNCTION IF EXISTS public.promote_waitlist_on_workshop_change();
DROP FUNCTION IF EXISTS public.derive_workshop_columns();
DROP FUNCTION IF EXISTS public.update_workshop_registration_stats();
DROP FUNCTION IF EXISTS public.refresh_workshop_stats(uuid);
DROP FUNCTION IF EXISTS public.promote_workshop_waitlist(uuid);
DROP FUNCTION IF EXISTS public.enforce_workshop_registration_rules();
DROP FUNCTION IF EXISTS public.workshop_admission_state(uuid, uuid);
DROP FUNCTION IF EXISTS public.workshop_current_price(uuid);
