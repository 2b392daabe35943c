-- Reverse of 0005_v2_marketplace_rules.sql: the two protect_* triggers go back to the landed definitions
-- of rls.sql (BEFORE UPDATE on preserve_maintained_columns), then the guards and rule tables are dropped.

DROP TRIGGER IF EXISTS protect_engagement_request_maintained ON public.engagement_requests;
CREATE TRIGGER protect_engagement_request_maintained
    BEFORE UPDATE ON public.engagement_requests
    FOR EACH ROW
    EXECUTE FUNCTION public.preserve_maintained_columns('hours_used', 'payment_id', 'payment_status');

DROP TRIGGER IF EXISTS protect_consultation_payment_mirror ON public.consultations;
CREATE TRIGGER protect_consultation_payment_mirror
    BEFORE UPDATE ON public.consultations
    FOR EACH ROW
    EXECUTE FUNCTION public.preserve_maintained_columns('payment_id', 'payment_status');

DROP FUNCTION IF EXISTS app.guard_consultations_columns();
DROP FUNCTION IF EXISTS app.guard_engagement_requests_columns();
DROP FUNCTION IF EXISTS app.check_column_rules(text, jsonb, jsonb, text[], text, boolean);
DROP FUNCTION IF EXISTS app.consultation_column_rules();
DROP FUNCTION IF EXISTS app.engagement_request_column_rules();
DROP FUNCTION IF EXISTS app.consultation_status_moves();
DROP FUNCTION IF EXISTS app.engagement_request_status_moves();
