-- Value bounds (issue 9 item 11). The ALTER TABLE statements are `python -m humanglue.bounds payments --reverse`,
-- generated from humanglue/bounds.py (which documents the limits). Frozen once landed: a new limit is a
-- new migration.

ALTER TABLE public.payments
    DROP CONSTRAINT IF EXISTS payments_amount_finite,
    DROP CONSTRAINT IF EXISTS payments_transaction_id_length,
    DROP CONSTRAINT IF EXISTS payments_provider_customer_id_length,
    DROP CONSTRAINT IF EXISTS payments_provider_status_length,
    DROP CONSTRAINT IF EXISTS payments_invoice_number_length,
    DROP CONSTRAINT IF EXISTS payments_invoice_url_length,
    DROP CONSTRAINT IF EXISTS payments_refund_amount_finite,
    DROP CONSTRAINT IF EXISTS payments_refund_reason_length,
    DROP CONSTRAINT IF EXISTS payments_metadata_size;

ALTER TABLE public.certificates
    DROP CONSTRAINT IF EXISTS certificates_title_not_blank,
    DROP CONSTRAINT IF EXISTS certificates_title_length,
    DROP CONSTRAINT IF EXISTS certificates_description_length,
    DROP CONSTRAINT IF EXISTS certificates_certificate_number_length,
    DROP CONSTRAINT IF EXISTS certificates_skills_demonstrated_size,
    DROP CONSTRAINT IF EXISTS certificates_competencies_size,
    DROP CONSTRAINT IF EXISTS certificates_certificate_url_length,
    DROP CONSTRAINT IF EXISTS certificates_badge_url_length,
    DROP CONSTRAINT IF EXISTS certificates_verification_url_length,
    DROP CONSTRAINT IF EXISTS certificates_issuer_name_not_blank,
    DROP CONSTRAINT IF EXISTS certificates_issuer_name_length,
    DROP CONSTRAINT IF EXISTS certificates_issuer_title_length,
    DROP CONSTRAINT IF EXISTS certificates_metadata_size;

ALTER TABLE public.revenue_transactions
    DROP CONSTRAINT IF EXISTS revenue_transactions_amount_finite,
    DROP CONSTRAINT IF EXISTS revenue_transactions_platform_fee_percentage_finite,
    DROP CONSTRAINT IF EXISTS revenue_transactions_platform_fee_amount_finite,
    DROP CONSTRAINT IF EXISTS revenue_transactions_instructor_earnings_finite,
    DROP CONSTRAINT IF EXISTS revenue_transactions_payment_provider_length,
    DROP CONSTRAINT IF EXISTS revenue_transactions_payment_provider_transaction_id_length;
