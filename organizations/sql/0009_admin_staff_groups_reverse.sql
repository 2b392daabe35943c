DROP TRIGGER IF EXISTS guard_users_user_permissions_platform_admin ON public.users_user_permissions;
DROP TRIGGER IF EXISTS guard_users_groups_platform_admin ON public.users_groups;
DROP TRIGGER IF EXISTS guard_auth_group_permissions_platform_admin ON public.auth_group_permissions;
DROP TRIGGER IF EXISTS guard_auth_group_platform_admin ON public.auth_group;
DROP FUNCTION IF EXISTS app.guard_auth_tables_platform_admin();

DROP POLICY IF EXISTS users_user_permissions_platform_admin_all ON public.users_user_permissions;
DROP POLICY IF EXISTS users_user_permissions_select_visible ON public.users_user_permissions;
DROP POLICY IF EXISTS users_groups_platform_admin_all ON public.users_groups;
DROP POLICY IF EXISTS users_groups_select_visible ON public.users_groups;
DROP POLICY IF EXISTS auth_group_permissions_platform_admin_all ON public.auth_group_permissions;
DROP POLICY IF EXISTS auth_group_permissions_select_all ON public.auth_group_permissions;
DROP POLICY IF EXISTS auth_group_platform_admin_all ON public.auth_group;
DROP POLICY IF EXISTS auth_group_select_all ON public.auth_group;

ALTER TABLE public.users_user_permissions DISABLE ROW LEVEL SECURITY;
ALTER TABLE public.users_groups DISABLE ROW LEVEL SECURITY;
ALTER TABLE public.auth_group_permissions DISABLE ROW LEVEL SECURITY;
ALTER TABLE public.auth_group DISABLE ROW LEVEL SECURITY;

REVOKE INSERT, UPDATE, DELETE ON public.auth_group, public.auth_group_permissions, public.users_groups,
    public.users_user_permissions FROM humanglue_app;
