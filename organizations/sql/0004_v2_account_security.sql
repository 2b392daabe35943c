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

-- Item 7: app.is_team_lead also requires that the lead still belongs to the team's organization (below,
-- with the other helpers of spec 10 §5).

REVOKE EXECUTE ON FUNCTION app.user_home_organization_id(uuid), app.grant_keeps_holder(uuid, uuid, uuid)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.user_home_organization_id(uuid), app.grant_keeps_holder(uuid, uuid, uuid)
    TO humanglue_app;

-- RLS at full speed ----------------------------------------------------------------------------------------
-- 1. A SQL-language SECURITY DEFINER function is never inlined, so its body is planned again in every
--    statement that calls it: (SELECT app.is_platform_admin()), reached by most queries of every caller, cost
--    more than a small query itself. The helpers of spec 10 §5 become plpgsql, which keeps its plans for the
--    session (same signatures, results, security and volatility).
-- 2. A policy that calls a helper with a column argument runs it once per candidate row. The SELECT-side
--    expressions below ask instead "is this row's key in the caller's set", the set coming from an
--    argument-free set-returning helper: `col IN (SELECT app.caller_x())` plans as a hashed subplan that runs
--    the helper once per query. Each set is exactly what the per-row helper answers true for, so no audience
--    changes (tests/organizations/test_policy_sets.py compares them). WITH CHECK expressions keep the per-row
--    helpers: they see one new row at a time.
CREATE OR REPLACE FUNCTION app.user_is_platform_admin(p_user_id uuid) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    RETURN p_user_id IS NOT NULL AND (
        EXISTS (SELECT 1 FROM public.users u WHERE u.id = p_user_id AND u.role = 'admin')
        OR EXISTS (
            SELECT 1 FROM public.user_roles r
            WHERE r.user_id = p_user_id AND r.organization_id IS NULL
              AND r.role IN ('admin', 'super_admin_full')
              AND (r.expires_at IS NULL OR r.expires_at > now())
        )
    );
END
$$;

-- app.user_is_platform_admin(caller) for an active caller, written out with one users lookup: the hottest
-- helper (most queries of every caller reach their table's platform-admin policy).
CREATE OR REPLACE FUNCTION app.is_platform_admin() RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    v_active boolean;
    v_role public.user_role;
BEGIN
    SELECT c.is_active, c.role INTO v_active, v_role FROM public.users c WHERE c.id = app.current_user_id();
    IF NOT FOUND OR NOT v_active THEN
        RETURN false;
    END IF;
    RETURN v_role = 'admin' OR EXISTS (
        SELECT 1 FROM public.user_roles r
        WHERE r.user_id = app.current_user_id() AND r.organization_id IS NULL
          AND r.role IN ('admin', 'super_admin_full')
          AND (r.expires_at IS NULL OR r.expires_at > now())
    );
END
$$;

CREATE OR REPLACE FUNCTION app.has_platform_role(p_role text) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    RETURN p_role IS NOT NULL
        AND EXISTS (SELECT 1 FROM public.users c WHERE c.id = app.current_user_id() AND c.is_active) AND (
        EXISTS (
            SELECT 1 FROM public.user_roles r
            WHERE r.user_id = app.current_user_id() AND r.organization_id IS NULL AND r.role = p_role
              AND (r.expires_at IS NULL OR r.expires_at > now())
        )
        OR (p_role = 'admin' AND EXISTS (
            SELECT 1 FROM public.users u WHERE u.id = app.current_user_id() AND u.role = 'admin'))
    );
END
$$;

CREATE OR REPLACE FUNCTION app.user_belongs_to_org(p_user_id uuid, p_org_id uuid) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    RETURN p_user_id IS NOT NULL AND p_org_id IS NOT NULL AND (
        EXISTS (SELECT 1 FROM public.users u WHERE u.id = p_user_id AND u.organization_id = p_org_id)
        OR EXISTS (
            SELECT 1 FROM public.user_roles r
            WHERE r.user_id = p_user_id AND r.organization_id = p_org_id
              AND (r.expires_at IS NULL OR r.expires_at > now())
        )
    );
END
$$;

CREATE OR REPLACE FUNCTION app.is_org_member(p_org_id uuid) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM public.users c WHERE c.id = app.current_user_id() AND c.is_active)
        AND app.user_belongs_to_org(app.current_user_id(), p_org_id);
END
$$;

CREATE OR REPLACE FUNCTION app.is_org_admin(p_org_id uuid) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    RETURN p_org_id IS NOT NULL
        AND EXISTS (SELECT 1 FROM public.users c WHERE c.id = app.current_user_id() AND c.is_active) AND (
        EXISTS (
            SELECT 1 FROM public.user_roles r
            WHERE r.user_id = app.current_user_id() AND r.organization_id = p_org_id AND r.role = 'org_admin'
              AND (r.expires_at IS NULL OR r.expires_at > now())
        )
        OR EXISTS (
            SELECT 1 FROM public.users u
            WHERE u.id = app.current_user_id() AND u.organization_id = p_org_id AND u.role = 'org_admin'
        )
    );
END
$$;

CREATE OR REPLACE FUNCTION app.shares_org_with(p_user_id uuid) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    RETURN p_user_id IS NOT NULL
        AND EXISTS (SELECT 1 FROM public.users c WHERE c.id = app.current_user_id() AND c.is_active)
        AND EXISTS (
            WITH member_of AS (
                SELECT u.id AS user_id, u.organization_id FROM public.users u
                WHERE u.id IN (app.current_user_id(), p_user_id) AND u.organization_id IS NOT NULL
                UNION
                SELECT r.user_id, r.organization_id FROM public.user_roles r
                WHERE r.user_id IN (app.current_user_id(), p_user_id) AND r.organization_id IS NOT NULL
                  AND (r.expires_at IS NULL OR r.expires_at > now())
            )
            SELECT 1 FROM member_of mine JOIN member_of theirs USING (organization_id)
            WHERE mine.user_id = app.current_user_id() AND theirs.user_id = p_user_id
        );
END
$$;

CREATE OR REPLACE FUNCTION app.team_organization_id(p_team_id uuid) RETURNS uuid
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    RETURN (SELECT t.organization_id FROM public.teams t WHERE t.id = p_team_id);
END
$$;

-- Item 7: a lead who no longer belongs to the team's organization has no team powers.
CREATE OR REPLACE FUNCTION app.is_team_lead(p_team_id uuid) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    RETURN p_team_id IS NOT NULL
        AND EXISTS (SELECT 1 FROM public.users c WHERE c.id = app.current_user_id() AND c.is_active)
        AND EXISTS (
            SELECT 1 FROM public.team_members m
            WHERE m.team_id = p_team_id AND m.user_id = app.current_user_id() AND m.role = 'team_lead'
        )
        AND app.user_belongs_to_org(app.current_user_id(), app.team_organization_id(p_team_id));
END
$$;

-- The membership rule of app.user_belongs_to_org as a set: the home organization and the organizations of
-- active org-scoped grants, whatever the user's status. Internal: a plain SQL function that the set helpers
-- below inline into their own (cached) plans; no EXECUTE for the app role (callers use the helpers).
CREATE FUNCTION app.member_org_ids(p_user_id uuid) RETURNS SETOF uuid
LANGUAGE sql STABLE
AS $$
    SELECT u.organization_id FROM public.users u WHERE u.id = p_user_id AND u.organization_id IS NOT NULL
    UNION ALL
    SELECT r.organization_id FROM public.user_roles r
    WHERE r.user_id = p_user_id AND r.organization_id IS NOT NULL AND (r.expires_at IS NULL OR r.expires_at > now())
$$;

-- Organizations the active caller belongs to (app.is_org_member as a set).
CREATE FUNCTION app.caller_org_ids() RETURNS SETOF uuid
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp ROWS 4
AS $$
BEGIN
    RETURN QUERY
    SELECT o.id FROM app.member_org_ids(app.current_user_id()) AS o(id)
    WHERE EXISTS (SELECT 1 FROM public.users c WHERE c.id = app.current_user_id() AND c.is_active);
END
$$;

-- Organizations the active caller administers (app.is_org_admin as a set).
CREATE FUNCTION app.caller_admin_org_ids() RETURNS SETOF uuid
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp ROWS 2
AS $$
BEGIN
    RETURN QUERY
    SELECT u.organization_id FROM public.users u
    WHERE u.id = app.current_user_id() AND u.is_active AND u.organization_id IS NOT NULL AND u.role = 'org_admin'
    UNION ALL
    SELECT r.organization_id FROM public.user_roles r
    WHERE r.user_id = app.current_user_id() AND r.organization_id IS NOT NULL AND r.role = 'org_admin'
      AND (r.expires_at IS NULL OR r.expires_at > now())
      AND EXISTS (SELECT 1 FROM public.users c WHERE c.id = app.current_user_id() AND c.is_active);
END
$$;

-- Users who belong to one of the caller's organizations through an active grant. With "home organization
-- in app.caller_org_ids()" this is app.shares_org_with as a set.
CREATE FUNCTION app.caller_org_grantee_ids() RETURNS SETOF uuid
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp ROWS 50
AS $$
BEGIN
    RETURN QUERY
    SELECT r.user_id FROM public.user_roles r
    WHERE r.organization_id IN (SELECT o.id FROM app.member_org_ids(app.current_user_id()) AS o(id))
      AND (r.expires_at IS NULL OR r.expires_at > now())
      AND EXISTS (SELECT 1 FROM public.users c WHERE c.id = app.current_user_id() AND c.is_active);
END
$$;

-- Students and teachers of the active caller, either way, through courses and workshops, any status
-- (app.has_teaching_relation as a set). It reads instructors and workshops tables, and lives here rather
-- than in instructors (conventions §7) because the users policy needs it and instructors' own speed
-- migration needs this migration's organization sets: the other way round would be a cycle.
CREATE FUNCTION app.caller_teaching_relation_ids() RETURNS SETOF uuid
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp ROWS 200
AS $$
BEGIN
    RETURN QUERY
    SELECT x.id FROM public.users caller CROSS JOIN LATERAL (
        SELECT e.user_id FROM public.courses c JOIN public.enrollments e ON e.course_id = c.id
        WHERE c.instructor_id = caller.id
        UNION ALL
        SELECT c.instructor_id FROM public.enrollments e JOIN public.courses c ON c.id = e.course_id
        WHERE e.user_id = caller.id AND c.instructor_id IS NOT NULL
        UNION ALL
        SELECT r.user_id FROM public.workshops w JOIN public.workshop_registrations r ON r.workshop_id = w.id
        WHERE w.instructor_id = caller.id
        UNION ALL
        SELECT w.instructor_id FROM public.workshop_registrations r JOIN public.workshops w ON w.id = r.workshop_id
        WHERE r.user_id = caller.id AND w.instructor_id IS NOT NULL
    ) AS x(id)
    WHERE caller.id = app.current_user_id() AND caller.is_active;
END
$$;

-- Teams of the caller's organizations, of the organizations they administer, and teams they lead while
-- still belonging to the team's organization (app.is_team_lead as a set).
CREATE FUNCTION app.caller_team_ids() RETURNS SETOF uuid
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp ROWS 20
AS $$
BEGIN
    RETURN QUERY
    SELECT t.id FROM public.teams t
    WHERE t.organization_id IN (SELECT o.id FROM app.member_org_ids(app.current_user_id()) AS o(id))
      AND EXISTS (SELECT 1 FROM public.users c WHERE c.id = app.current_user_id() AND c.is_active);
END
$$;

CREATE FUNCTION app.caller_admin_team_ids() RETURNS SETOF uuid
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp ROWS 20
AS $$
BEGIN
    RETURN QUERY
    SELECT t.id FROM public.teams t WHERE t.organization_id IN (SELECT app.caller_admin_org_ids());
END
$$;

CREATE FUNCTION app.caller_led_team_ids() RETURNS SETOF uuid
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp ROWS 2
AS $$
BEGIN
    RETURN QUERY
    SELECT m.team_id FROM public.team_members m JOIN public.teams t ON t.id = m.team_id
    WHERE m.user_id = app.current_user_id() AND m.role = 'team_lead'
      AND t.organization_id IN (SELECT o.id FROM app.member_org_ids(app.current_user_id()) AS o(id))
      AND EXISTS (SELECT 1 FROM public.users c WHERE c.id = app.current_user_id() AND c.is_active);
END
$$;

REVOKE EXECUTE ON FUNCTION app.member_org_ids(uuid) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION app.caller_org_ids(), app.caller_admin_org_ids(), app.caller_org_grantee_ids(),
    app.caller_teaching_relation_ids(), app.caller_team_ids(), app.caller_admin_team_ids(),
    app.caller_led_team_ids() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.caller_org_ids(), app.caller_admin_org_ids(), app.caller_org_grantee_ids(),
    app.caller_teaching_relation_ids(), app.caller_team_ids(), app.caller_admin_team_ids(),
    app.caller_led_team_ids() TO humanglue_app;

ALTER POLICY organizations_select_member ON public.organizations
    USING (id IN (SELECT app.caller_org_ids()));
ALTER POLICY teams_select_member ON public.teams
    USING (organization_id IN (SELECT app.caller_org_ids()));
ALTER POLICY teams_manage_org_admin ON public.teams
    USING (organization_id IN (SELECT app.caller_admin_org_ids()));
ALTER POLICY users_select_same_org ON public.users
    USING (organization_id IN (SELECT app.caller_org_ids()) OR id IN (SELECT app.caller_org_grantee_ids()));
ALTER POLICY users_select_teaching_relation ON public.users
    USING (id IN (SELECT app.caller_teaching_relation_ids()));
ALTER POLICY team_members_select_org_member ON public.team_members
    USING (team_id IN (SELECT app.caller_team_ids()));
ALTER POLICY team_members_manage_org_admin ON public.team_members
    USING (team_id IN (SELECT app.caller_admin_team_ids()));
ALTER POLICY team_members_manage_team_lead ON public.team_members
    USING (team_id IN (SELECT app.caller_led_team_ids()));
ALTER POLICY user_roles_select_org_admin ON public.user_roles
    USING (organization_id IN (SELECT app.caller_admin_org_ids()));
ALTER POLICY user_roles_manage_org_admin ON public.user_roles
    USING (organization_id IN (SELECT app.caller_admin_org_ids())
           AND role IN ('org_admin', 'team_lead', 'member', 'client'));
