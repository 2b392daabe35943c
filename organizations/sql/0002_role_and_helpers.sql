-- The application role and the app.* security helpers (spec 00 §1-§3, spec 10 §5-§6).

-- Roles are cluster-wide: create it only when missing, never drop it in the reverse.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'humanglue_app') THEN
        CREATE ROLE humanglue_app NOLOGIN NOBYPASSRLS;
    END IF;
END
$$;
-- Lets the owner run SET ROLE humanglue_app (on 16+ the creator has ADMIN but not SET).
GRANT humanglue_app TO CURRENT_USER;
GRANT USAGE ON SCHEMA app TO humanglue_app;

-- Caller and trust -------------------------------------------------------------------------------

CREATE FUNCTION app.current_user_id() RETURNS uuid
LANGUAGE sql STABLE PARALLEL SAFE SECURITY INVOKER
AS $$ SELECT nullif(current_setting('app.current_user_id', true), '')::uuid $$;

-- True on an owner connection, inside SECURITY DEFINER functions and in FK cascades; false for every
-- request statement (anonymous or not). The only trust test guards may use (spec 00 §2).
CREATE FUNCTION app.is_system_context() RETURNS boolean
LANGUAGE sql STABLE SECURITY INVOKER
AS $$ SELECT current_user <> 'humanglue_app' $$;

-- Helpers read users/user_roles as the owner (SECURITY DEFINER), so policies on those same tables can
-- call them without recursion.

CREATE FUNCTION app.user_is_platform_admin(p_user_id uuid) RETURNS boolean
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

CREATE FUNCTION app.is_platform_admin() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$ SELECT EXISTS (SELECT 1 FROM public.users c WHERE c.id = app.current_user_id() AND c.is_active) AND app.user_is_platform_admin(app.current_user_id()) $$;

CREATE FUNCTION app.has_platform_role(p_role text) RETURNS boolean
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

-- The membership rule: home organization, or any active org-scoped grant. team_members is not a source.
CREATE FUNCTION app.user_belongs_to_org(p_user_id uuid, p_org_id uuid) RETURNS boolean
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

CREATE FUNCTION app.is_org_member(p_org_id uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$ SELECT EXISTS (SELECT 1 FROM public.users c WHERE c.id = app.current_user_id() AND c.is_active) AND app.user_belongs_to_org(app.current_user_id(), p_org_id) $$;

CREATE FUNCTION app.is_org_admin(p_org_id uuid) RETURNS boolean
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

-- Two users share an org when their org sets ({home org} + orgs of active org-scoped grants) intersect.
CREATE FUNCTION app.shares_org_with(p_user_id uuid) RETURNS boolean
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

CREATE FUNCTION app.team_organization_id(p_team_id uuid) RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$ SELECT t.organization_id FROM public.teams t WHERE t.id = p_team_id $$;

CREATE FUNCTION app.is_team_lead(p_team_id uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$
    SELECT p_team_id IS NOT NULL AND EXISTS (SELECT 1 FROM public.users c WHERE c.id = app.current_user_id() AND c.is_active) AND EXISTS (
        SELECT 1 FROM public.team_members m
        WHERE m.team_id = p_team_id AND m.user_id = app.current_user_id() AND m.role = 'team_lead'
    )
$$;

-- Compatibility RPCs (spec 10 §6): INVOKER, answer only for the system, the user themself or an admin.
CREATE FUNCTION public.get_user_roles(p_user_id uuid) RETURNS TABLE (role text, organization_id uuid)
LANGUAGE sql STABLE SECURITY INVOKER
AS $$
    SELECT DISTINCT g.role, g.organization_id
    FROM (
        SELECT r.role, r.organization_id FROM public.user_roles r
        WHERE r.user_id = p_user_id AND (r.expires_at IS NULL OR r.expires_at > now())
        UNION ALL
        SELECT 'admin'::text, NULL::uuid FROM public.users u WHERE u.id = p_user_id AND u.role = 'admin'
        UNION ALL
        SELECT u.role::text, u.organization_id FROM public.users u
        WHERE u.id = p_user_id AND u.role <> 'admin' AND u.organization_id IS NOT NULL
    ) g
    WHERE p_user_id IS NOT NULL
      AND ((SELECT app.is_system_context()) OR p_user_id = (SELECT app.current_user_id())
           OR (SELECT app.is_platform_admin()))
    ORDER BY g.role, g.organization_id NULLS FIRST
$$;

CREATE FUNCTION public.has_role(p_user_id uuid, p_role text) RETURNS boolean
LANGUAGE sql STABLE SECURITY INVOKER
AS $$ SELECT EXISTS (SELECT 1 FROM public.get_user_roles(p_user_id) g WHERE g.role = p_role) $$;

-- Generic guard (spec 60): for a non-system UPDATE, keep OLD's value of every column named in the
-- trigger arguments. INSERTs pass (imports and seeds may set initial values).
CREATE FUNCTION public.preserve_maintained_columns() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
AS $$
DECLARE
    patch jsonb := '{}'::jsonb;
    old_row jsonb;
    i integer;
BEGIN
    IF TG_OP <> 'UPDATE' OR (SELECT app.is_system_context()) THEN
        RETURN NEW;
    END IF;
    old_row := to_jsonb(OLD);
    FOR i IN 0 .. TG_NARGS - 1 LOOP
        patch := patch || jsonb_build_object(TG_ARGV[i], old_row -> TG_ARGV[i]);
    END LOOP;
    NEW := jsonb_populate_record(NEW, patch);
    RETURN NEW;
END
$$;

REVOKE EXECUTE ON FUNCTION
    app.current_user_id(), app.is_system_context(),  app.user_is_platform_admin(uuid),
    app.is_platform_admin(), app.has_platform_role(text), app.user_belongs_to_org(uuid, uuid),
    app.is_org_member(uuid), app.is_org_admin(uuid), app.shares_org_with(uuid),
    app.team_organization_id(uuid), app.is_team_lead(uuid), public.get_user_roles(uuid),
    public.has_role(uuid, text), public.preserve_maintained_columns()
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
    app.current_user_id(), app.is_system_context(),  app.user_is_platform_admin(uuid),
    app.is_platform_admin(), app.has_platform_role(text), app.user_belongs_to_org(uuid, uuid),
    app.is_org_member(uuid), app.is_org_admin(uuid), app.shares_org_with(uuid),
    app.team_organization_id(uuid), app.is_team_lead(uuid), public.get_user_roles(uuid),
    public.has_role(uuid, text)
TO humanglue_app;
