-- Restores the landed definitions (organizations 0002) of everything 0004_v2_account_security replaced.

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

CREATE OR REPLACE FUNCTION app.is_team_lead(p_team_id uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$
    SELECT p_team_id IS NOT NULL AND EXISTS (SELECT 1 FROM public.users c WHERE c.id = app.current_user_id() AND c.is_active) AND EXISTS (
        SELECT 1 FROM public.team_members m
        WHERE m.team_id = p_team_id AND m.user_id = app.current_user_id() AND m.role = 'team_lead'
    )
$$;
