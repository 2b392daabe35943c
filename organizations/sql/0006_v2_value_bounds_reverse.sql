-- Value bounds (issue 9 item 11). The ALTER TABLE statements are `python -m humanglue.bounds organizations --reverse`,
-- generated from humanglue/bounds.py (which documents the limits). Frozen once landed: a new limit is a
-- new migration.

DROP TRIGGER IF EXISTS validate_users_timezone ON public.users;

ALTER TABLE public.organizations
    DROP CONSTRAINT IF EXISTS organizations_name_not_blank,
    DROP CONSTRAINT IF EXISTS organizations_name_length,
    DROP CONSTRAINT IF EXISTS organizations_slug_format,
    DROP CONSTRAINT IF EXISTS organizations_slug_length,
    DROP CONSTRAINT IF EXISTS organizations_logo_url_length,
    DROP CONSTRAINT IF EXISTS organizations_website_length,
    DROP CONSTRAINT IF EXISTS organizations_industry_length,
    DROP CONSTRAINT IF EXISTS organizations_settings_size,
    DROP CONSTRAINT IF EXISTS organizations_metadata_size;

ALTER TABLE public.teams
    DROP CONSTRAINT IF EXISTS teams_name_not_blank,
    DROP CONSTRAINT IF EXISTS teams_name_length,
    DROP CONSTRAINT IF EXISTS teams_description_length,
    DROP CONSTRAINT IF EXISTS teams_settings_size,
    DROP CONSTRAINT IF EXISTS teams_metadata_size;

ALTER TABLE public.users
    DROP CONSTRAINT IF EXISTS users_email_format,
    DROP CONSTRAINT IF EXISTS users_email_length,
    DROP CONSTRAINT IF EXISTS users_full_name_not_blank,
    DROP CONSTRAINT IF EXISTS users_full_name_length,
    DROP CONSTRAINT IF EXISTS users_avatar_url_length,
    DROP CONSTRAINT IF EXISTS users_phone_length,
    DROP CONSTRAINT IF EXISTS users_company_name_length,
    DROP CONSTRAINT IF EXISTS users_job_title_length,
    DROP CONSTRAINT IF EXISTS users_department_length,
    DROP CONSTRAINT IF EXISTS users_language_length,
    DROP CONSTRAINT IF EXISTS users_preferences_size,
    DROP CONSTRAINT IF EXISTS users_metadata_size;

ALTER TABLE public.user_roles
    DROP CONSTRAINT IF EXISTS user_roles_metadata_size;

DROP FUNCTION IF EXISTS public.validate_timezone_column();
DROP FUNCTION IF EXISTS app.is_valid_timezone(text);
