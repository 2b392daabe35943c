-- Value bounds (issue 9 item 11). The ALTER TABLE statements are `python -m humanglue.bounds payments`,
-- generated from humanglue/bounds.py (which documents the limits). Frozen once landed: a new limit is a
-- new migration.
-- Each CHECK is added NOT VALID: every new write is checked at once; the migration's ValidateOrReport
-- operation then validates it against the stored rows, or reports the rows that break it.

ALTER TABLE public.payments
    ADD CONSTRAINT payments_amount_finite CHECK (amount NOT IN ('NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric)) NOT VALID,
    ADD CONSTRAINT payments_transaction_id_length CHECK (char_length(transaction_id) <= 255) NOT VALID,
    ADD CONSTRAINT payments_provider_customer_id_length CHECK (char_length(provider_customer_id) <= 255) NOT VALID,
    ADD CONSTRAINT payments_provider_status_length CHECK (char_length(provider_status) <= 255) NOT VALID,
    ADD CONSTRAINT payments_invoice_number_length CHECK (char_length(invoice_number) <= 255) NOT VALID,
    ADD CONSTRAINT payments_invoice_url_length CHECK (char_length(invoice_url) <= 2048) NOT VALID,
    ADD CONSTRAINT payments_refund_amount_finite CHECK (refund_amount NOT IN ('NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric)) NOT VALID,
    ADD CONSTRAINT payments_refund_reason_length CHECK (char_length(refund_reason) <= 20000) NOT VALID,
    ADD CONSTRAINT payments_metadata_size CHECK (octet_length(metadata::text) <= 65536) NOT VALID;

ALTER TABLE public.certificates
    ADD CONSTRAINT certificates_title_not_blank CHECK (title ~ '[^[:space:]]') NOT VALID,
    ADD CONSTRAINT certificates_title_length CHECK (char_length(title) <= 200) NOT VALID,
    ADD CONSTRAINT certificates_description_length CHECK (char_length(description) <= 20000) NOT VALID,
    ADD CONSTRAINT certificates_certificate_number_length CHECK (char_length(certificate_number) <= 255) NOT VALID,
    ADD CONSTRAINT certificates_skills_demonstrated_size CHECK (cardinality(skills_demonstrated) <= 100 AND octet_length(array_to_string(skills_demonstrated, '')) <= 20000) NOT VALID,
    ADD CONSTRAINT certificates_competencies_size CHECK (octet_length(competencies::text) <= 65536) NOT VALID,
    ADD CONSTRAINT certificates_certificate_url_length CHECK (char_length(certificate_url) <= 2048) NOT VALID,
    ADD CONSTRAINT certificates_badge_url_length CHECK (char_length(badge_url) <= 2048) NOT VALID,
    ADD CONSTRAINT certificates_verification_url_length CHECK (char_length(verification_url) <= 2048) NOT VALID,
    ADD CONSTRAINT certificates_issuer_name_not_blank CHECK (issuer_name ~ '[^[:space:]]') NOT VALID,
    ADD CONSTRAINT certificates_issuer_name_length CHECK (char_length(issuer_name) <= 200) NOT VALID,
    ADD CONSTRAINT certificates_issuer_title_length CHECK (char_length(issuer_title) <= 200) NOT VALID,
    ADD CONSTRAINT certificates_metadata_size CHECK (octet_length(metadata::text) <= 65536) NOT VALID;

ALTER TABLE public.revenue_transactions
    ADD CONSTRAINT revenue_transactions_amount_finite CHECK (amount NOT IN ('NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric)) NOT VALID,
    ADD CONSTRAINT revenue_transactions_platform_fee_percentage_finite CHECK (platform_fee_percentage NOT IN ('NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric)) NOT VALID,
    ADD CONSTRAINT revenue_transactions_platform_fee_amount_finite CHECK (platform_fee_amount NOT IN ('NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric)) NOT VALID,
    ADD CONSTRAINT revenue_transactions_instructor_earnings_finite CHECK (instructor_earnings NOT IN ('NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric)) NOT VALID,
    ADD CONSTRAINT revenue_transactions_payment_provider_length CHECK (char_length(payment_provider) <= 255) NOT VALID,
    ADD CONSTRAINT revenue_transactions_payment_provider_transaction_id_length CHECK (char_length(payment_provider_transaction_id) <= 255) NOT VALID;
