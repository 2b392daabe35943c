DROP TABLE IF EXISTS public.payment_provider_events;
DROP TABLE IF EXISTS public.payment_idempotency_keys;
