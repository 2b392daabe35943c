-- Two bookkeeping tables of the payments API (issue 13), outside the contract's 29 tables: neither holds
-- business data, both make retries harmless.
--   * payment_idempotency_keys: the first answer to POST /api/v1/payments/ per (caller, Idempotency-Key), so
--     a retried request gets the same status and body and creates nothing. Rows are the caller's own (RLS);
--     the key is claimed by the INSERT in the request's transaction, so two concurrent requests with one key
--     are serialized by the primary key and the second reads the first's answer.
--   * payment_provider_events: the provider event ids the webhook applied (idempotency on the provider's
--     event id, spec 60 flow step 3). Written only in system context (the webhook); the app role has no
--     privilege on it and no policy.
-- Both ENABLE (never FORCE) row-level security, like every contract table. Neither has foreign keys (the
-- models PaymentIdempotencyKey and PaymentProviderEvent describe them to Django without relations): a key of
-- a deleted user or an event of a deleted payment is harmless.

CREATE TABLE public.payment_idempotency_keys (
    user_id uuid NOT NULL,
    idempotency_key text NOT NULL,
    request_fingerprint text NOT NULL,
    response_status integer NOT NULL,
    response_body jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT payment_idempotency_keys_pkey PRIMARY KEY (user_id, idempotency_key),
    CONSTRAINT payment_idempotency_keys_key_check CHECK (length(idempotency_key) BETWEEN 1 AND 255),
    CONSTRAINT payment_idempotency_keys_status_check CHECK (response_status BETWEEN 100 AND 599)
);
CREATE INDEX idx_payment_idempotency_keys_created ON public.payment_idempotency_keys (created_at);

ALTER TABLE public.payment_idempotency_keys ENABLE ROW LEVEL SECURITY;
GRANT SELECT, INSERT ON TABLE public.payment_idempotency_keys TO humanglue_app;

CREATE POLICY payment_idempotency_keys_select_own ON public.payment_idempotency_keys
    FOR SELECT
    USING (user_id = (SELECT app.current_user_id()));

CREATE POLICY payment_idempotency_keys_insert_own ON public.payment_idempotency_keys
    FOR INSERT
    WITH CHECK (user_id = (SELECT app.current_user_id()));

CREATE TABLE public.payment_provider_events (
    event_id text NOT NULL,
    event_type text NOT NULL,
    payment_id uuid,
    transaction_id text NOT NULL,
    result text NOT NULL,
    payment_status text,
    received_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT payment_provider_events_pkey PRIMARY KEY (event_id),
    CONSTRAINT payment_provider_events_event_id_check CHECK (length(event_id) BETWEEN 1 AND 255),
    CONSTRAINT payment_provider_events_result_check CHECK (result IN ('processed', 'unchanged'))
);
CREATE INDEX idx_payment_provider_events_payment ON public.payment_provider_events (payment_id)
    WHERE payment_id IS NOT NULL;

ALTER TABLE public.payment_provider_events ENABLE ROW LEVEL SECURITY;
-- humanglue_system bypasses RLS but holds only what it is granted (it inherits the app role's grants).
GRANT SELECT, INSERT ON TABLE public.payment_provider_events TO humanglue_system;
