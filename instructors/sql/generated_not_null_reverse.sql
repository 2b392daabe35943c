-- Reverse of generated_not_null.sql.

ALTER TABLE public.quiz_attempts ALTER COLUMN percentage DROP NOT NULL;
ALTER TABLE public.courses ALTER COLUMN is_published DROP NOT NULL;
