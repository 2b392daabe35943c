-- Reverse of logic.sql: drops exactly the triggers and functions it created.
DROP TRIGGER IF EXISTS record_payment_revenue ON public.payments;
DROP TRIGGER IF EXISTS sync_payment_to_target ON public.payments;
DROP TRIGGER IF EXISTS validate_payment_change ON public.payments;
DROP TRIGGER IF EXISTS generate_cert_number ON public.certificates;
DROP FUNCTION IF EXISTS public.record_payment_revenue();
DROP FUNCTION IF EXISTS public.sync_payment_to_target();
DROP FUNCTION IF EXISTS public.validate_payment_change();
DROP FUNCTION IF EXISTS public.generate_certificate_number();
DROP FUNCTION IF EXISTS public.get_user_certificates(uuid);
DROP FUNCTION IF EXISTS public.get_user_payment_history(uuid, integer, integer);
