-- Reverse of rls.sql: policies, grants, RLS. The role itself is never dropped here.

-- revenue_transactions
DROP POLICY IF EXISTS revenue_transactions_select_platform_admin ON public.revenue_transactions;
DROP POLICY IF EXISTS revenue_transactions_select_instructor ON public.revenue_transactions;
REVOKE ALL ON TABLE public.revenue_transactions FROM humanglue_app;
ALTER TABLE public.revenue_transactions DISABLE ROW LEVEL SECURITY;

-- certificates
DROP POLICY IF EXISTS "Admins can manage all certificates" ON public.certificates;
DROP POLICY IF EXISTS "Instructors can issue certificates" ON public.certificates;
DROP POLICY IF EXISTS "Anyone can verify certificates" ON public.certificates;
DROP POLICY IF EXISTS "Users can view their own certificates" ON public.certificates;
REVOKE ALL ON TABLE public.certificates FROM humanglue_app;
ALTER TABLE public.certificates DISABLE ROW LEVEL SECURITY;

-- payments
DROP POLICY IF EXISTS "Admins can manage all payments" ON public.payments;
DROP POLICY IF EXISTS "Users can create pending payments" ON public.payments;
DROP POLICY IF EXISTS "Org admins can view org payments" ON public.payments;
DROP POLICY IF EXISTS "Users can view their own payments" ON public.payments;
REVOKE ALL ON TABLE public.payments FROM humanglue_app;
ALTER TABLE public.payments DISABLE ROW LEVEL SECURITY;
