DROP FUNCTION IF EXISTS public.update_updated_at_column();
