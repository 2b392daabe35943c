-- user_roles.granted_by is the audit trail of a grant: for request callers it is the caller on INSERT and
-- never changes afterwards (an org admin could name anyone, a platform admin too, as the grantor).
-- Only the system context (seed, imports, operators) writes another value.
CREATE FUNCTION app.guard_user_roles_grantor() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
AS $$
BEGIN
    IF (SELECT app.is_system_context()) THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'INSERT' THEN
        NEW.granted_by := (SELECT app.current_user_id());
    ELSIF NEW.granted_by IS DISTINCT FROM OLD.granted_by THEN
        RAISE EXCEPTION 'granted_by records who granted the role; it does not change'
            USING ERRCODE = '23514', CONSTRAINT = 'immutable_column';
    END IF;
    RETURN NEW;
END
$$;
REVOKE EXECUTE ON FUNCTION app.guard_user_roles_grantor() FROM PUBLIC;

CREATE TRIGGER guard_user_roles_grantor BEFORE INSERT OR UPDATE ON public.user_roles
    FOR EACH ROW EXECUTE FUNCTION app.guard_user_roles_grantor();
