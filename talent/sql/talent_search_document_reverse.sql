-- Reverse of talent_search_document.sql. Runs after talent_profiles (whose generated column depends
-- on the function) has been dropped.
DROP FUNCTION IF EXISTS public.talent_search_document(text, text, text[], text[], text, text);
