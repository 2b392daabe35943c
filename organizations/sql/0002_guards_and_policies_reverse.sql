REVOKE ALL ON public.django_content_type, public.auth_permission, public.auth_group,
    public.auth_group_permissions, public.users_groups, public.users_user_permissions,
    public.django_session, public.django_admin_log FROM humanglue_app;
REVOKE ALL ON public.organizations, public.teams, public.users, public.team_members, public.user_roles
    FROM humanglue_app;

DROP POLICY IF EXISTS user_roles_manage_org_admin ON public.user_roles;
DROP POLICY IF EXISTS user_roles_select_org_admin ON public.user_roles;
DROP POLICY IF EXISTS user_roles_select_self ON public.user_roles;
DROP POLICY IF EXISTS user_roles_admin_all ON public.user_roles;
DROP POLICY IF EXISTS team_members_delete_self ON public.team_members;
DROP POLICY IF EXISTS team_members_manage_team_lead ON public.team_members;
DROP POLICY IF EXISTS team_members_manage_org_admin ON public.team_members;
DROP POLICY IF EXISTS team_members_select_self ON public.team_members;
DROP POLICY IF EXISTS team_members_select_org_member ON public.team_members;
DROP POLICY IF EXISTS team_members_admin_all ON public.team_members;
DROP POLICY IF EXISTS users_update_org_admin ON public.users;
DROP POLICY IF EXISTS users_insert_org_admin ON public.users;
DROP POLICY IF EXISTS users_update_self ON public.users;
DROP POLICY IF EXISTS users_select_same_org ON public.users;
DROP POLICY IF EXISTS users_select_self ON public.users;
DROP POLICY IF EXISTS users_admin_all ON public.users;
DROP POLICY IF EXISTS teams_manage_org_admin ON public.teams;
DROP POLICY IF EXISTS teams_select_member ON public.teams;
DROP POLICY IF EXISTS teams_admin_all ON public.teams;
DROP POLICY IF EXISTS organizations_update_org_admin ON public.organizations;
DROP POLICY IF EXISTS organizations_select_member ON public.organizations;
DROP POLICY IF EXISTS organizations_admin_all ON public.organizations;

ALTER TABLE public.user_roles DISABLE ROW LEVEL SECURITY;
ALTER TABLE public.team_members DISABLE ROW LEVEL SECURITY;
ALTER TABLE public.users DISABLE ROW LEVEL SECURITY;
ALTER TABLE public.teams DISABLE ROW LEVEL SECURITY;
ALTER TABLE public.organizations DISABLE ROW LEVEL SECURITY;

DROP TRIGGER IF EXISTS validate_team_member_org ON public.team_members;
DROP TRIGGER IF EXISTS validate_team_hierarchy ON public.teams;
DROP TRIGGER IF EXISTS guard_organizations_billing_columns ON public.organizations;
DROP TRIGGER IF EXISTS sync_users_active_status ON public.users;
DROP TRIGGER IF EXISTS guard_users_privileged_columns ON public.users;
DROP FUNCTION IF EXISTS public.validate_team_member_org();
DROP FUNCTION IF EXISTS public.validate_team_hierarchy();
DROP FUNCTION IF EXISTS public.guard_organizations_billing_columns();
DROP FUNCTION IF EXISTS public.sync_users_active_status();
DROP FUNCTION IF EXISTS public.guard_users_privileged_columns();
