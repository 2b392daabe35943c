REVOKE ALL ON public.token_blacklist_outstandingtoken, public.token_blacklist_blacklistedtoken FROM humanglue_system;
REVOKE ALL ON SEQUENCE public.token_blacklist_outstandingtoken_id_seq,
    public.token_blacklist_blacklistedtoken_id_seq FROM humanglue_system;
DROP VIEW public.public_profiles;
