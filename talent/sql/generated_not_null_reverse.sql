-- Reverse of generated_not_null.sql.
ALTER TABLE public.talent_profiles ALTER COLUMN search_vector DROP NOT NULL;
