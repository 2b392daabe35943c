-- Guard and integrity triggers, row level security, policies and grants of the organizations tables
-- (spec 10 §3-§4, spec 00 §1-§2). users_select_teaching_relation comes in 0003 (needs instructors).

-- users: privileged columns -------------------------------------------------------------------------
CREATE FUNCTION public.guard_users_privileged_columns() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
AS $$
BEGIN
    IF (SELECT app.is_system_context()) OR (SELECT app.is_platform_admin()) THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF NEW.role = 'admin' OR NEW.is_staff OR NEW.is_superuser THEN
            RAISE EXCEPTION 'only a platform admin may create admin or staff accounts'
                USING ERRCODE = '42501', CONSTRAINT = 'privileged_column';
        END IF;
        RETURN NEW;
    END IF;
    IF OLD.organization_id IS NOT NULL AND app.is_org_admin(OLD.organization_id)
       AND NOT app.user_is_platform_admin(OLD.id) THEN
        IF NEW.organization_id IS DISTINCT FROM OLD.organization_id
           OR NEW.is_staff IS DISTINCT FROM OLD.is_staff
           OR NEW.is_superuser IS DISTINCT FROM OLD.is_superuser
           OR (NEW.role IS DISTINCT FROM OLD.role AND NEW.role NOT IN ('member', 'team_lead', 'org_admin')) THEN
            RAISE EXCEPTION 'an organization admin may change only role, status and e-mail verification'
                USING ERRCODE = '42501', CONSTRAINT = 'privileged_column';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.organization_id IS DISTINCT FROM OLD.organization_id
       OR NEW.role IS DISTINCT FROM OLD.role
       OR NEW.status IS DISTINCT FROM OLD.status
       OR NEW.is_active IS DISTINCT FROM OLD.is_active
       OR NEW.email_verified IS DISTINCT FROM OLD.email_verified
       OR NEW.is_staff IS DISTINCT FROM OLD.is_staff
       OR NEW.is_superuser IS DISTINCT FROM OLD.is_superuser THEN
        RAISE EXCEPTION 'privileged user columns cannot be changed by this caller'
            USING ERRCODE = '42501', CONSTRAINT = 'privileged_column';
    END IF;
    RETURN NEW;
END
$$;

-- Keeps is_active = (status = 'active'); status wins when both change.
CREATE FUNCTION public.sync_users_active_status() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.status IS DISTINCT FROM OLD.status THEN
        NEW.is_active := (NEW.status = 'active');
    ELSIF NEW.is_active IS DISTINCT FROM OLD.is_active THEN
        NEW.status := CASE WHEN NEW.is_active THEN 'active' ELSE 'inactive' END;
    END IF;
    RETURN NEW;
END
$$;

-- organizations: billing and limits only for the system or platform admins ---------------------------
CREATE FUNCTION public.guard_organizations_billing_columns() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
AS $$
BEGIN
    IF (SELECT app.is_system_context()) OR (SELECT app.is_platform_admin()) THEN
        RETURN NEW;
    END IF;
    IF NEW.subscription_tier IS DISTINCT FROM OLD.subscription_tier
       OR NEW.subscription_status IS DISTINCT FROM OLD.subscription_status
       OR NEW.subscription_expires_at IS DISTINCT FROM OLD.subscription_expires_at
       OR NEW.max_users IS DISTINCT FROM OLD.max_users
       OR NEW.max_teams IS DISTINCT FROM OLD.max_teams
       OR NEW.is_active IS DISTINCT FROM OLD.is_active THEN
        RAISE EXCEPTION 'billing and limit columns can be changed only by a platform admin'
            USING ERRCODE = '42501', CONSTRAINT = 'billing_column';
    END IF;
    RETURN NEW;
END
$$;

-- teams: same organization as the parent, no cycle, organization fixed (DEFINER: reads every ancestor).
CREATE FUNCTION public.validate_team_hierarchy() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    parent_org uuid;
    ancestor uuid;
    depth integer := 0;
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.organization_id IS DISTINCT FROM OLD.organization_id THEN
        RAISE EXCEPTION 'a team cannot move to another organization'
            USING ERRCODE = '23514', CONSTRAINT = 'team_organization_immutable';
    END IF;
    IF NEW.parent_team_id IS NULL THEN
        RETURN NEW;
    END IF;
    SELECT t.organization_id INTO parent_org FROM public.teams t WHERE t.id = NEW.parent_team_id;
    IF NOT FOUND OR parent_org IS DISTINCT FROM NEW.organization_id THEN
        RAISE EXCEPTION 'the parent team must exist in the same organization'
            USING ERRCODE = '23514', CONSTRAINT = 'team_parent_same_organization';
    END IF;
    ancestor := NEW.parent_team_id;
    WHILE ancestor IS NOT NULL AND depth < 100 LOOP
        IF ancestor = NEW.id THEN
            RAISE EXCEPTION 'team hierarchy would contain a cycle'
                USING ERRCODE = '23514', CONSTRAINT = 'team_hierarchy_cycle';
        END IF;
        SELECT t.parent_team_id INTO ancestor FROM public.teams t WHERE t.id = ancestor;
        depth := depth + 1;
    END LOOP;
    RETURN NEW;
END
$$;

-- team_members: the member must belong to the team's organization (INVOKER; helpers are DEFINER).
CREATE FUNCTION public.validate_team_member_org() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
AS $$
DECLARE
    team_org uuid := app.team_organization_id(NEW.team_id);
BEGIN
    IF team_org IS NULL THEN
        RETURN NEW;  -- unknown team: the foreign key reports it
    END IF;
    IF NOT app.user_belongs_to_org(NEW.user_id, team_org) THEN
        RAISE EXCEPTION 'the user does not belong to the team''s organization'
            USING ERRCODE = '23514', CONSTRAINT = 'team_member_outside_organization';
    END IF;
    RETURN NEW;
END
$$;

REVOKE EXECUTE ON FUNCTION public.guard_users_privileged_columns(), public.sync_users_active_status(),
    public.guard_organizations_billing_columns(), public.validate_team_hierarchy(),
    public.validate_team_member_org() FROM PUBLIC;

CREATE TRIGGER guard_users_privileged_columns BEFORE INSERT OR UPDATE ON public.users
    FOR EACH ROW EXECUTE FUNCTION public.guard_users_privileged_columns();
CREATE TRIGGER sync_users_active_status BEFORE INSERT OR UPDATE ON public.users
    FOR EACH ROW EXECUTE FUNCTION public.sync_users_active_status();
CREATE TRIGGER guard_organizations_billing_columns BEFORE UPDATE ON public.organizations
    FOR EACH ROW EXECUTE FUNCTION public.guard_organizations_billing_columns();
CREATE TRIGGER validate_team_hierarchy BEFORE INSERT OR UPDATE ON public.teams
    FOR EACH ROW EXECUTE FUNCTION public.validate_team_hierarchy();
CREATE TRIGGER validate_team_member_org BEFORE INSERT OR UPDATE OF team_id, user_id ON public.team_members
    FOR EACH ROW EXECUTE FUNCTION public.validate_team_member_org();

-- Row level security (ENABLE, never FORCE: the owner is the system context) -------------------------
ALTER TABLE public.organizations ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.teams ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.users ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.team_members ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.user_roles ENABLE ROW LEVEL SECURITY;

CREATE POLICY organizations_admin_all ON public.organizations FOR ALL
    USING ((SELECT app.is_platform_admin())) WITH CHECK ((SELECT app.is_platform_admin()));
CREATE POLICY organizations_select_member ON public.organizations FOR SELECT
    USING (app.is_org_member(id));
CREATE POLICY organizations_update_org_admin ON public.organizations FOR UPDATE
    USING (app.is_org_admin(id)) WITH CHECK (app.is_org_admin(id));

CREATE POLICY teams_admin_all ON public.teams FOR ALL
    USING ((SELECT app.is_platform_admin())) WITH CHECK ((SELECT app.is_platform_admin()));
CREATE POLICY teams_select_member ON public.teams FOR SELECT
    USING (app.is_org_member(organization_id));
CREATE POLICY teams_manage_org_admin ON public.teams FOR ALL
    USING (app.is_org_admin(organization_id)) WITH CHECK (app.is_org_admin(organization_id));

CREATE POLICY users_admin_all ON public.users FOR ALL
    USING ((SELECT app.is_platform_admin())) WITH CHECK ((SELECT app.is_platform_admin()));
CREATE POLICY users_select_self ON public.users FOR SELECT
    USING (id = (SELECT app.current_user_id()));
CREATE POLICY users_select_same_org ON public.users FOR SELECT
    USING (app.shares_org_with(id));
CREATE POLICY users_update_self ON public.users FOR UPDATE
    USING (id = (SELECT app.current_user_id())) WITH CHECK (id = (SELECT app.current_user_id()));
CREATE POLICY users_insert_org_admin ON public.users FOR INSERT
    WITH CHECK (organization_id IS NOT NULL AND app.is_org_admin(organization_id));
CREATE POLICY users_update_org_admin ON public.users FOR UPDATE
    USING (organization_id IS NOT NULL AND app.is_org_admin(organization_id))
    WITH CHECK (organization_id IS NOT NULL AND app.is_org_admin(organization_id));

CREATE POLICY team_members_admin_all ON public.team_members FOR ALL
    USING ((SELECT app.is_platform_admin())) WITH CHECK ((SELECT app.is_platform_admin()));
CREATE POLICY team_members_select_org_member ON public.team_members FOR SELECT
    USING (app.is_org_member(app.team_organization_id(team_id)));
CREATE POLICY team_members_select_self ON public.team_members FOR SELECT
    USING (user_id = (SELECT app.current_user_id()));
CREATE POLICY team_members_manage_org_admin ON public.team_members FOR ALL
    USING (app.is_org_admin(app.team_organization_id(team_id)))
    WITH CHECK (app.is_org_admin(app.team_organization_id(team_id)));
CREATE POLICY team_members_manage_team_lead ON public.team_members FOR ALL
    USING (app.is_team_lead(team_id)) WITH CHECK (app.is_team_lead(team_id));
CREATE POLICY team_members_delete_self ON public.team_members FOR DELETE
    USING (user_id = (SELECT app.current_user_id()));

CREATE POLICY user_roles_admin_all ON public.user_roles FOR ALL
    USING ((SELECT app.is_platform_admin())) WITH CHECK ((SELECT app.is_platform_admin()));
CREATE POLICY user_roles_select_self ON public.user_roles FOR SELECT
    USING (user_id = (SELECT app.current_user_id()));
CREATE POLICY user_roles_select_org_admin ON public.user_roles FOR SELECT
    USING (organization_id IS NOT NULL AND app.is_org_admin(organization_id));
CREATE POLICY user_roles_manage_org_admin ON public.user_roles FOR ALL
    USING (organization_id IS NOT NULL AND app.is_org_admin(organization_id)
           AND role IN ('org_admin', 'team_lead', 'member', 'client'))
    WITH CHECK (organization_id IS NOT NULL AND app.is_org_admin(organization_id)
                AND role IN ('org_admin', 'team_lead', 'member', 'client'));

-- Grants (spec 00 §1): the policies decide what each caller may do -------------------------------
GRANT SELECT, INSERT, UPDATE, DELETE ON public.organizations, public.teams, public.users,
    public.team_members, public.user_roles TO humanglue_app;
-- Django's own tables used during requests (no RLS on them).
GRANT SELECT, INSERT, UPDATE, DELETE ON public.django_session TO humanglue_app;
GRANT SELECT, INSERT ON public.django_admin_log TO humanglue_app;
GRANT SELECT ON public.django_content_type, public.auth_permission, public.auth_group,
    public.auth_group_permissions, public.users_groups, public.users_user_permissions TO humanglue_app;
