-- talent_search_document(): the document behind the generated column talent_profiles.search_vector
-- (spec 60, Functions; DESIGNED). Must exist BEFORE talent_profiles is created.
--
-- A generated column needs an IMMUTABLE expression, and array_to_string() is only STABLE, hence this
-- wrapper. It stays truly immutable because the text search configuration is a fixed regconfig
-- literal and every object it uses lives in pg_catalog; search_path is pinned as well, since from
-- PostgreSQL 17 on maintenance commands run such functions with a restricted search path
-- (conventions §4). Not STRICT: title and location may be NULL, and the column is NOT NULL.
--
-- Changing this function does NOT recompute stored values: any change must be followed by a table
-- rewrite (touch every row, or drop and re-add the column).
CREATE FUNCTION public.talent_search_document(
    p_tagline text,
    p_title text,
    p_expertise text[],
    p_industries text[],
    p_bio text,
    p_location text
) RETURNS tsvector
LANGUAGE sql
IMMUTABLE
PARALLEL SAFE
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    -- Weights: A tagline and title, B expertise and industries (elements joined by spaces),
    -- C bio, D location. NULL inputs contribute nothing (coalesce to '').
    SELECT pg_catalog.setweight(
               pg_catalog.to_tsvector(
                   'pg_catalog.english'::pg_catalog.regconfig,
                   coalesce(p_tagline, '') || ' ' || coalesce(p_title, '')
               ),
               'A'
           )
        || pg_catalog.setweight(
               pg_catalog.to_tsvector(
                   'pg_catalog.english'::pg_catalog.regconfig,
                   coalesce(pg_catalog.array_to_string(p_expertise, ' '), '')
                   || ' ' || coalesce(pg_catalog.array_to_string(p_industries, ' '), '')
               ),
               'B'
           )
        || pg_catalog.setweight(
               pg_catalog.to_tsvector('pg_catalog.english'::pg_catalog.regconfig, coalesce(p_bio, '')),
               'C'
           )
        || pg_catalog.setweight(
               pg_catalog.to_tsvector('pg_catalog.english'::pg_catalog.regconfig, coalesce(p_location, '')),
               'D'
           )
$$;

COMMENT ON FUNCTION public.talent_search_document(text, text, text[], text[], text, text) IS
    'Weighted english tsvector for talent_profiles.search_vector (generated column). Changing it requires a table rewrite.';

REVOKE EXECUTE ON FUNCTION public.talent_search_document(text, text, text[], text[], text, text) FROM PUBLIC;
-- GRANT EXECUTE ... TO humanglue_app comes later, with the talent RLS/grants SQL (conventions §3: a
-- generated column's function is checked against the inserting role, so the grant is required
-- before the API role can insert or update talent_profiles).
