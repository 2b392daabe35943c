-- The admin for staff (issue 12): org admins and instructors are staff whose Django permissions come from
-- the seeded groups "Organization admin" and "Instructor". Their permission checks read the auth tables
-- under the app role (SELECT landed in 0002); a platform admin must also be able to create and edit groups,
-- their permissions and who belongs to them. Nobody else writes these tables: a user's group or
-- permission rows widen what the admin offers them (row level security still limits the rows).
--
-- Who may put a user into a group: platform admins only. Org admins may not: admin access needs
-- users.is_staff, which only platform admins change (guard_users_privileged_columns), so a group granted
-- by an org admin would give nothing but a write path to abuse.

GRANT INSERT, UPDATE, DELETE ON public.auth_group, public.auth_group_permissions, public.users_groups,
    public.users_user_permissions TO humanglue_app;

ALTER TABLE public.auth_group ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.auth_group_permissions ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.users_groups ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.users_user_permissions ENABLE ROW LEVEL SECURITY;

-- Groups and what they grant are no secret: every caller reads them (the user form lists them).
CREATE POLICY auth_group_select_all ON public.auth_group FOR SELECT TO humanglue_app USING (true);
CREATE POLICY auth_group_platform_admin_all ON public.auth_group FOR ALL TO humanglue_app
    USING ((SELECT app.is_platform_admin())) WITH CHECK ((SELECT app.is_platform_admin()));
CREATE POLICY auth_group_permissions_select_all ON public.auth_group_permissions FOR SELECT TO humanglue_app
    USING (true);
CREATE POLICY auth_group_permissions_platform_admin_all ON public.auth_group_permissions FOR ALL
    TO humanglue_app
    USING ((SELECT app.is_platform_admin())) WITH CHECK ((SELECT app.is_platform_admin()));

-- Who holds which group or permission: the user themself (their own permission checks), the org admins
-- of the user's home organization (the user page shows it; the users policies decide who is visible) and
-- platform admins.
CREATE POLICY users_groups_select_visible ON public.users_groups FOR SELECT TO humanglue_app
    USING (user_id = (SELECT app.current_user_id())
           OR EXISTS (SELECT 1 FROM public.users u
                      WHERE u.id = users_groups.user_id AND u.organization_id IS NOT NULL
                        AND app.is_org_admin(u.organization_id)));
CREATE POLICY users_groups_platform_admin_all ON public.users_groups FOR ALL TO humanglue_app
    USING ((SELECT app.is_platform_admin())) WITH CHECK ((SELECT app.is_platform_admin()));
CREATE POLICY users_user_permissions_select_visible ON public.users_user_permissions FOR SELECT
    TO humanglue_app
    USING (user_id = (SELECT app.current_user_id())
           OR EXISTS (SELECT 1 FROM public.users u
                      WHERE u.id = users_user_permissions.user_id AND u.organization_id IS NOT NULL
                        AND app.is_org_admin(u.organization_id)));
CREATE POLICY users_user_permissions_platform_admin_all ON public.users_user_permissions FOR ALL
    TO humanglue_app
    USING ((SELECT app.is_platform_admin())) WITH CHECK ((SELECT app.is_platform_admin()));

-- Policies alone answer a refused UPDATE or DELETE with "0 rows"; this statement guard refuses it out loud
-- (42501, reason platform_admin_only), the same for INSERT. The system context (owner, seed, FK cascades
-- from a deleted user or group) passes.
CREATE FUNCTION app.guard_auth_tables_platform_admin() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
AS $$
BEGIN
    IF (SELECT app.is_system_context()) OR (SELECT app.is_platform_admin()) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'only a platform admin may change groups, permissions and their holders (%)', TG_TABLE_NAME
        USING ERRCODE = '42501', CONSTRAINT = 'platform_admin_only';
END
$$;
REVOKE EXECUTE ON FUNCTION app.guard_auth_tables_platform_admin() FROM PUBLIC;

CREATE TRIGGER guard_auth_group_platform_admin BEFORE INSERT OR UPDATE OR DELETE ON public.auth_group
    FOR EACH STATEMENT EXECUTE FUNCTION app.guard_auth_tables_platform_admin();
CREATE TRIGGER guard_auth_group_permissions_platform_admin BEFORE INSERT OR UPDATE OR DELETE
    ON public.auth_group_permissions
    FOR EACH STATEMENT EXECUTE FUNCTION app.guard_auth_tables_platform_admin();
CREATE TRIGGER guard_users_groups_platform_admin BEFORE INSERT OR UPDATE OR DELETE ON public.users_groups
    FOR EACH STATEMENT EXECUTE FUNCTION app.guard_auth_tables_platform_admin();
CREATE TRIGGER guard_users_user_permissions_platform_admin BEFORE INSERT OR UPDATE OR DELETE
    ON public.users_user_permissions
    FOR EACH STATEMENT EXECUTE FUNCTION app.guard_auth_tables_platform_admin();
