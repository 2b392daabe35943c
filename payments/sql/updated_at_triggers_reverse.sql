-- Reverse of updated_at_triggers.sql.
DROP TRIGGER IF EXISTS update_revenue_transactions_updated_at ON public.revenue_transactions;
DROP TRIGGER IF EXISTS update_certificates_updated_at ON public.certificates;
DROP TRIGGER IF EXISTS update_payments_updated_at ON public.payments;
