-- Restores the landed definitions (organizations 0002, 0003) of everything 0004_v2_account_security replaced.

ALTER POLICY user_roles_manage_org_admin ON public.user_roles
    USING (organization_id IS NOT NULL AND app.is_org_admin(organization_id)
           AND role IN ('org_admin', 'team_lead', 'member', 'client'));
ALTER POLICY user_roles_select_org_admin ON public.user_roles
    USING (organization_id IS NOT NULL AND app.is_org_admin(organization_id));
ALTER POLICY team_members_manage_team_lead ON public.team_members
    USING (app.is_team_lead(team_id));
ALTER POLICY team_members_manage_org_admin ON public.team_members
    USING (app.is_org_admin(app.team_organization_id(team_id)));
ALTER POLICY team_members_select_org_member ON public.team_members
    USING (app.is_org_member(app.team_organization_id(team_id)));
ALTER POLICY users_select_teaching_relation ON public.users
    USING (app.has_teaching_relation(id));
ALTER POLICY users_select_same_org ON public.users
    USING (app.shares_org_with(id));
ALTER POLICY teams_manage_org_admin ON public.teams
    USING (app.is_org_admin(organization_id));
ALTER POLICY teams_select_member ON public.teams
    USING (app.is_org_member(organization_id));
ALTER POLICY organizations_select_member ON public.organizations
    USING (app.is_org_member(id));
DROP FUNCTION IF EXISTS app.caller_led_team_ids();
DROP FUNCTION IF EXISTS app.caller_admin_team_ids();
DROP FUNCTION IF EXISTS app.caller_team_ids();
DROP FUNCTION IF EXISTS app.caller_teaching_relation_ids();
DROP FUNCTION IF EXISTS app.caller_org_grantee_ids();
DROP FUNCTION IF EXISTS app.caller_admin_org_ids();
DROP FUNCTION IF EXISTS app.caller_org_ids();
DROP FUNCTION IF EXISTS app.member_org_ids(uuid);

ALTER POLICY user_roles_manage_org_admin ON public.user_roles
    WITH CHECK (organization_id IS NOT NULL AND app.is_org_admin(organization_id)
                AND role IN ('org_admin', 'team_lead', 'member', 'client'));
DROP FUNCTION IF EXISTS app.grant_keeps_holder(uuid, uuid, uuid);
DROP FUNCTION IF EXISTS app.user_home_organization_id(uuid);

CREATE OR REPLACE FUNCTION public.guard_users_privileged_columns() RETURNS trigger
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

-- The landed SQL-language helpers (organizations 0002).
CREATE OR REPLACE FUNCTION app.user_is_platform_admin(p_user_id uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$
    SELECT p_user_id IS NOT NULL AND (
        EXISTS (SELECT 1 FROM public.users u WHERE u.id = p_user_id AND u.role = 'admin')
        OR EXISTS (
            SELECT 1 FROM public.user_roles r
            WHERE r.user_id = p_user_id AND r.organization_id IS NULL
              AND r.role IN ('admin', 'super_admin_full')
              AND (r.expires_at IS NULL OR r.expires_at > now())
        )
    )
$$;

CREATE OR REPLACE FUNCTION app.is_platform_admin() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$ SELECT EXISTS (SELECT 1 FROM public.users c WHERE c.id = app.current_user_id() AND c.is_active) AND app.user_is_platform_admin(app.current_user_id()) $$;

CREATE OR REPLACE FUNCTION app.has_platform_role(p_role text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$
    SELECT p_role IS NOT NULL AND EXISTS (SELECT 1 FROM public.users c WHERE c.id = app.current_user_id() AND c.is_active) AND (
        EXISTS (
            SELECT 1 FROM public.user_roles r
            WHERE r.user_id = app.current_user_id() AND r.organization_id IS NULL AND r.role = p_role
              AND (r.expires_at IS NULL OR r.expires_at > now())
        )
        OR (p_role = 'admin' AND EXISTS (
            SELECT 1 FROM public.users u WHERE u.id = app.current_user_id() AND u.role = 'admin'))
    )
$$;

CREATE OR REPLACE FUNCTION app.user_belongs_to_org(p_user_id uuid, p_org_id uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$
    SELECT p_user_id IS NOT NULL AND p_org_id IS NOT NULL AND (
        EXISTS (SELECT 1 FROM public.users u WHERE u.id = p_user_id AND u.organization_id = p_org_id)
        OR EXISTS (
            SELECT 1 FROM public.user_roles r
            WHERE r.user_id = p_user_id AND r.organization_id = p_org_id
              AND (r.expires_at IS NULL OR r.expires_at > now())
        )
    )
$$;

CREATE OR REPLACE FUNCTION app.is_org_member(p_org_id uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$ SELECT EXISTS (SELECT 1 FROM public.users c WHERE c.id = app.current_user_id() AND c.is_active) AND app.user_belongs_to_org(app.current_user_id(), p_org_id) $$;

CREATE OR REPLACE FUNCTION app.is_org_admin(p_org_id uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$
    SELECT p_org_id IS NOT NULL AND EXISTS (SELECT 1 FROM public.users c WHERE c.id = app.current_user_id() AND c.is_active) AND (
        EXISTS (
            SELECT 1 FROM public.user_roles r
            WHERE r.user_id = app.current_user_id() AND r.organization_id = p_org_id AND r.role = 'org_admin'
              AND (r.expires_at IS NULL OR r.expires_at > now())
        )
        OR EXISTS (
            SELECT 1 FROM public.users u
            WHERE u.id = app.current_user_id() AND u.organization_id = p_org_id AND u.role = 'org_admin'
        )
    )
$$;

CREATE OR REPLACE FUNCTION app.shares_org_with(p_user_id uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$
    WITH member_of AS (
        SELECT u.id AS user_id, u.organization_id FROM public.users u
        WHERE u.id IN (app.current_user_id(), p_user_id) AND u.organization_id IS NOT NULL
        UNION
        SELECT r.user_id, r.organization_id FROM public.user_roles r
        WHERE r.user_id IN (app.current_user_id(), p_user_id) AND r.organization_id IS NOT NULL
          AND (r.expires_at IS NULL OR r.expires_at > now())
    )
    SELECT p_user_id IS NOT NULL
        AND EXISTS (SELECT 1 FROM public.users c WHERE c.id = app.current_user_id() AND c.is_active)
        AND EXISTS (
            SELECT 1 FROM member_of mine JOIN member_of theirs USING (organization_id)
            WHERE mine.user_id = app.current_user_id() AND theirs.user_id = p_user_id
        )
$$;

CREATE OR REPLACE FUNCTION app.team_organization_id(p_team_id uuid) RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$ SELECT t.organization_id FROM public.teams t WHERE t.id = p_team_id $$;

CREATE OR REPLACE FUNCTION app.is_team_lead(p_team_id uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$
    SELECT p_team_id IS NOT NULL AND EXISTS (SELECT 1 FROM public.users c WHERE c.id = app.current_user_id() AND c.is_active) AND EXISTS (
        SELECT 1 FROM public.team_members m
        WHERE m.team_id = p_team_id AND m.user_id = app.current_user_id() AND m.role = 'team_lead'
    )
$$;
