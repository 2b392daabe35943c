-- The REST API's platform (issue 11).
--
-- public_profiles: the people anyone may name, so that a row the caller may read never loses its
-- instructor or expert because users' policies hide that person (DESIGN.md §5). Only id, full name
-- and avatar, and only for people with a public face: instructors with a verified or featured profile
-- or a published course or workshop, and experts with a public talent profile. Everyone else a caller
-- sees is read from users under its own policies. The view runs with its owner's rights (users'
-- policies do not apply inside it) and is a security barrier, so a caller's functions in a WHERE
-- clause never see rows the view's own condition removes.
CREATE VIEW public.public_profiles WITH (security_barrier) AS
SELECT u.id, u.full_name, u.avatar_url
FROM public.users u
WHERE u.is_active AND (
    EXISTS (SELECT 1 FROM public.instructor_profiles p WHERE p.user_id = u.id AND (p.is_verified OR p.is_featured))
    OR EXISTS (SELECT 1 FROM public.courses c WHERE c.instructor_id = u.id AND c.status = 'published')
    OR EXISTS (SELECT 1 FROM public.workshops w WHERE w.instructor_id = u.id AND w.status = 'published')
    OR EXISTS (SELECT 1 FROM public.talent_profiles t WHERE t.user_id = u.id AND t.is_public)
);
REVOKE ALL ON public.public_profiles FROM PUBLIC;
GRANT SELECT ON public.public_profiles TO humanglue_app;

-- simplejwt's refresh-token tables: written only in the system context (login, refresh, logout,
-- password change). The app role gets nothing: a request cannot list or revoke others' tokens.
REVOKE ALL ON public.token_blacklist_outstandingtoken, public.token_blacklist_blacklistedtoken FROM humanglue_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON public.token_blacklist_outstandingtoken,
    public.token_blacklist_blacklistedtoken TO humanglue_system;
GRANT USAGE, SELECT ON SEQUENCE public.token_blacklist_outstandingtoken_id_seq,
    public.token_blacklist_blacklistedtoken_id_seq TO humanglue_system;
