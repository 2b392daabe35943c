DROP TRIGGER IF EXISTS guard_user_roles_grantor ON public.user_roles;
DROP FUNCTION IF EXISTS app.guard_user_roles_grantor();
