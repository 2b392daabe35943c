-- The contract declares the two generated columns NOT NULL, but Django emits no NOT NULL for a
-- GeneratedField. Their expressions are never NULL (status, score and max_score are NOT NULL), so
-- the constraint only records that fact in the catalog. Run after the tables are created.

ALTER TABLE public.courses ALTER COLUMN is_published SET NOT NULL;
ALTER TABLE public.quiz_attempts ALTER COLUMN percentage SET NOT NULL;
