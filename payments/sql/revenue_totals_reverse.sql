-- Reverse of revenue_totals.sql.
DROP TRIGGER IF EXISTS update_item_revenue_trigger ON public.revenue_transactions;
DROP FUNCTION IF EXISTS public.get_instructor_revenue_breakdown(uuid, timestamptz, timestamptz);
DROP FUNCTION IF EXISTS public.update_item_revenue();
