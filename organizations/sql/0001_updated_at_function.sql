-- update_updated_at_column(): BEFORE UPDATE row trigger that stamps updated_at with now(), the
-- transaction start, so every row changed in one transaction gets the same value (spec 10 §4).
CREATE OR REPLACE FUNCTION public.update_updated_at_column()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;

REVOKE EXECUTE ON FUNCTION public.update_updated_at_column() FROM PUBLIC;
