-- Contract v2, organizations (issue 9 items 1, 2, 7; "RLS at full speed").
-- Replaces the users guard, tightens user_roles writes by org admins, makes app.is_team_lead check
-- membership, and rewrites this app's per-row SELECT policy helpers into per-query set helpers.

-- Item 1: account takeover ---------------------------------------------------------------------------
-- Rules added to spec 10's guard (everything else unchanged):
-- * password and email belong to their holder: only the user themself, a platform admin or the system
--   context changes them (42501 credential_column);
-- * someone else's platform-admin, staff or superuser account is edited (any column) only by a platform
--   admin or the system context (42501 privileged_account); its holder keeps editing their own profile
--   and credentials, never the privileged columns;
-- * id joins the privileged columns (an org admin could otherwise re-key a member's account).
CREATE OR REPLACE FUNCTION public.guard_users_privileged_columns() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
AS $$
DECLARE
    caller uuid;
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
    caller := (SELECT app.current_user_id());
    IF OLD.id IS DISTINCT FROM caller THEN
        IF OLD.is_staff OR OLD.is_superuser OR app.user_is_platform_admin(OLD.id) THEN
            RAISE EXCEPTION 'only a platform admin may edit a platform admin, staff or superuser account'
                USING ERRCODE = '42501', CONSTRAINT = 'privileged_account';
        END IF;
        IF NEW.password IS DISTINCT FROM OLD.password OR NEW.email IS DISTINCT FROM OLD.email THEN
            RAISE EXCEPTION 'only the user or a platform admin may change a password or an e-mail address'
                USING ERRCODE = '42501', CONSTRAINT = 'credential_column';
        END IF;
    END IF;
    IF OLD.organization_id IS NOT NULL AND app.is_org_admin(OLD.organization_id)
       AND NOT app.user_is_platform_admin(OLD.id) THEN
        IF NEW.id IS DISTINCT FROM OLD.id
           OR NEW.organization_id IS DISTINCT FROM OLD.organization_id
           OR NEW.is_staff IS DISTINCT FROM OLD.is_staff
           OR NEW.is_superuser IS DISTINCT FROM OLD.is_superuser
           OR (NEW.role IS DISTINCT FROM OLD.role AND NEW.role NOT IN ('member', 'team_lead', 'org_admin')) THEN
            RAISE EXCEPTION 'an organization admin may change only role, status and e-mail verification'
                USING ERRCODE = '42501', CONSTRAINT = 'privileged_column';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.id IS DISTINCT FROM OLD.id
       OR NEW.organization_id IS DISTINCT FROM OLD.organization_id
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

-- Item 2: claiming other organizations' users ---------------------------------------------------------
-- An org admin writes a grant only for a user whose HOME organization is the grant's organization, and an
-- UPDATE keeps the grant's holder and organization. Cross-organization grants need a platform admin
-- (user_roles_admin_all); no invitation flow exists. The org admin may still revoke (DELETE) any grant of
-- the four org roles in their organization, a platform admin's cross-organization grant included.

-- The user's home organization (NULL for an unknown user or a standalone account).
CREATE FUNCTION app.user_home_organization_id(p_user_id uuid) RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$ SELECT u.organization_id FROM public.users u WHERE u.id = p_user_id $$;

-- False when a stored grant with this id has another holder or organization. Called from a WITH CHECK, it
-- reads the statement's snapshot, i.e. the row as it was before the UPDATE (an INSERT finds no row).
CREATE FUNCTION app.grant_keeps_holder(p_grant_id uuid, p_user_id uuid, p_org_id uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$
    SELECT NOT EXISTS (
        SELECT 1 FROM public.user_roles r
        WHERE r.id = p_grant_id
          AND (r.user_id IS DISTINCT FROM p_user_id OR r.organization_id IS DISTINCT FROM p_org_id)
    )
$$;

ALTER POLICY user_roles_manage_org_admin ON public.user_roles
    WITH CHECK (organization_id IS NOT NULL AND app.is_org_admin(organization_id)
                AND role IN ('org_admin', 'team_lead', 'member', 'client')
                AND app.user_home_organization_id(user_id) = organization_id
                AND app.grant_keeps_holder(id, user_id, organization_id));

-- Item 7: a team lead must still belong to the team's organization --------------------------------------
CREATE OR REPLACE FUNCTION app.is_team_lead(p_team_id uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$
    SELECT p_team_id IS NOT NULL AND EXISTS (SELECT 1 FROM public.users c WHERE c.id = app.current_user_id() AND c.is_active) AND EXISTS (
        SELECT 1 FROM public.team_members m
        WHERE m.team_id = p_team_id AND m.user_id = app.current_user_id() AND m.role = 'team_lead'
    ) AND app.user_belongs_to_org(app.current_user_id(), app.team_organization_id(p_team_id))
$$;

REVOKE EXECUTE ON FUNCTION app.user_home_organization_id(uuid), app.grant_keeps_holder(uuid, uuid, uuid)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.user_home_organization_id(uuid), app.grant_keeps_holder(uuid, uuid, uuid)
    TO humanglue_app;
