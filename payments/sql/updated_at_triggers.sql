-- updated_at triggers of the payments app (spec 60; schema.md trigger table).
CREATE TRIGGER update_payments_updated_at BEFORE UPDATE ON public.payments
    FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();
CREATE TRIGGER update_certificates_updated_at BEFORE UPDATE ON public.certificates
    FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();
CREATE TRIGGER update_revenue_transactions_updated_at BEFORE UPDATE ON public.revenue_transactions
    FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();
