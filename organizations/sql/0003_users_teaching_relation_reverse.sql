DROP POLICY IF EXISTS users_select_teaching_relation ON public.users;
