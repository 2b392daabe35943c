REVOKE USAGE ON SCHEMA app FROM humanglue_app;
DROP FUNCTION IF EXISTS public.preserve_maintained_columns();
DROP FUNCTION IF EXISTS public.has_role(uuid, text);
DROP FUNCTION IF EXISTS public.get_user_roles(uuid);
DROP FUNCTION IF EXISTS app.is_team_lead(uuid);
DROP FUNCTION IF EXISTS app.team_organization_id(uuid);
DROP FUNCTION IF EXISTS app.shares_org_with(uuid);
DROP FUNCTION IF EXISTS app.is_org_admin(uuid);
DROP FUNCTION IF EXISTS app.is_org_member(uuid);
DROP FUNCTION IF EXISTS app.user_belongs_to_org(uuid, uuid);
DROP FUNCTION IF EXISTS app.has_platform_role(text);
DROP FUNCTION IF EXISTS app.is_platform_admin();
DROP FUNCTION IF EXISTS app.user_is_platform_admin(uuid);
DROP FUNCTION IF EXISTS app.is_system_context();
DROP FUNCTION IF EXISTS app.current_user_id();
-- The role humanglue_app is kept: roles are cluster-wide and other databases may use it.
