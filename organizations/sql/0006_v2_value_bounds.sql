-- Value bounds (issue 9 item 11). The ALTER TABLE statements are `python -m humanglue.bounds organizations`,
-- generated from humanglue/bounds.py (which documents the limits). Frozen once landed: a new limit is a
-- new migration.
-- Each CHECK is added NOT VALID: every new write is checked at once; the migration's ValidateOrReport
-- operation then validates it against the stored rows, or reports the rows that break it.

ALTER TABLE public.organizations
    ADD CONSTRAINT organizations_name_not_blank CHECK (name ~ '[^[:space:]]') NOT VALID,
    ADD CONSTRAINT organizations_name_length CHECK (char_length(name) <= 200) NOT VALID,
    ADD CONSTRAINT organizations_slug_format CHECK (slug ~ '^[a-z0-9]+([._-][a-z0-9]+)*$') NOT VALID,
    ADD CONSTRAINT organizations_slug_length CHECK (char_length(slug) <= 100) NOT VALID,
    ADD CONSTRAINT organizations_logo_url_length CHECK (char_length(logo_url) <= 2048) NOT VALID,
    ADD CONSTRAINT organizations_website_length CHECK (char_length(website) <= 2048) NOT VALID,
    ADD CONSTRAINT organizations_industry_length CHECK (char_length(industry) <= 200) NOT VALID,
    ADD CONSTRAINT organizations_settings_size CHECK (octet_length(settings::text) <= 65536) NOT VALID,
    ADD CONSTRAINT organizations_metadata_size CHECK (octet_length(metadata::text) <= 65536) NOT VALID;

ALTER TABLE public.teams
    ADD CONSTRAINT teams_name_not_blank CHECK (name ~ '[^[:space:]]') NOT VALID,
    ADD CONSTRAINT teams_name_length CHECK (char_length(name) <= 200) NOT VALID,
    ADD CONSTRAINT teams_description_length CHECK (char_length(description) <= 20000) NOT VALID,
    ADD CONSTRAINT teams_settings_size CHECK (octet_length(settings::text) <= 65536) NOT VALID,
    ADD CONSTRAINT teams_metadata_size CHECK (octet_length(metadata::text) <= 65536) NOT VALID;

ALTER TABLE public.users
    ADD CONSTRAINT users_email_format CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$') NOT VALID,
    ADD CONSTRAINT users_email_length CHECK (char_length(email) <= 254) NOT VALID,
    ADD CONSTRAINT users_full_name_not_blank CHECK (full_name ~ '[^[:space:]]') NOT VALID,
    ADD CONSTRAINT users_full_name_length CHECK (char_length(full_name) <= 200) NOT VALID,
    ADD CONSTRAINT users_avatar_url_length CHECK (char_length(avatar_url) <= 2048) NOT VALID,
    ADD CONSTRAINT users_phone_length CHECK (char_length(phone) <= 255) NOT VALID,
    ADD CONSTRAINT users_company_name_length CHECK (char_length(company_name) <= 200) NOT VALID,
    ADD CONSTRAINT users_job_title_length CHECK (char_length(job_title) <= 200) NOT VALID,
    ADD CONSTRAINT users_department_length CHECK (char_length(department) <= 200) NOT VALID,
    ADD CONSTRAINT users_language_length CHECK (char_length(language) <= 255) NOT VALID,
    ADD CONSTRAINT users_preferences_size CHECK (octet_length(preferences::text) <= 65536) NOT VALID,
    ADD CONSTRAINT users_metadata_size CHECK (octet_length(metadata::text) <= 65536) NOT VALID;

ALTER TABLE public.user_roles
    ADD CONSTRAINT user_roles_metadata_size CHECK (octet_length(metadata::text) <= 65536) NOT VALID;

-- Time zones: a trigger, not a CHECK. pg_timezone_names reads the server's zone files, which change
-- with the time zone data; a CHECK that depends on them could refuse a dump's own rows on restore.
CREATE FUNCTION app.is_valid_timezone(p_name text)
RETURNS boolean
LANGUAGE plpgsql
STABLE
PARALLEL SAFE
SECURITY INVOKER
AS $$
BEGIN
    -- Cheap refusals first: reading pg_timezone_names costs tens of milliseconds.
    IF p_name IS NULL OR char_length(p_name) > 64 OR p_name !~ '^[A-Za-z][A-Za-z0-9_+/-]*$' THEN
        RETURN false;
    END IF;
    IF p_name = 'UTC' THEN
        RETURN true;
    END IF;
    -- Exact names only: AT TIME ZONE would also take POSIX specs such as 'foo+3' that no client knows.
    RETURN EXISTS (SELECT 1 FROM pg_catalog.pg_timezone_names z WHERE z.name = p_name);
END;
$$;
REVOKE EXECUTE ON FUNCTION app.is_valid_timezone(text) FROM PUBLIC;
-- The validation trigger runs as the writer, the app role included.
GRANT EXECUTE ON FUNCTION app.is_valid_timezone(text) TO humanglue_app;

-- For users and talent_profiles (workshops check theirs in maintain_workshop_fields(), same reason).
-- A validation, not a restriction: it applies to every writer, system context included (23514).
CREATE FUNCTION public.validate_timezone_column()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
AS $$
BEGIN
    IF NEW.timezone IS NULL THEN
        RETURN NEW;  -- NOT NULL answers that (23502)
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.timezone IS NOT DISTINCT FROM OLD.timezone THEN
        RETURN NEW;  -- a row stored before this rule stays writable; the migration reported it
    END IF;
    IF NOT app.is_valid_timezone(NEW.timezone) THEN
        RAISE EXCEPTION 'unknown time zone in %.timezone', TG_TABLE_NAME
            USING ERRCODE = '23514', CONSTRAINT = 'invalid_timezone',
                  HINT = 'Use a name from pg_timezone_names, for example Europe/Paris.';
    END IF;
    RETURN NEW;
END;
$$;
REVOKE EXECUTE ON FUNCTION public.validate_timezone_column() FROM PUBLIC;

CREATE TRIGGER validate_users_timezone
    BEFORE INSERT OR UPDATE OF timezone ON public.users
    FOR EACH ROW EXECUTE FUNCTION public.validate_timezone_column();
