-- Django emits no NOT NULL for a GeneratedField; the contract has talent_profiles.search_vector
-- NOT NULL (talent_search_document() never returns NULL).
ALTER TABLE public.talent_profiles ALTER COLUMN search_vector SET NOT NULL;
