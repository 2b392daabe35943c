-- Reverse of composite_fks.sql.
ALTER TABLE public.consultations
    DROP CONSTRAINT IF EXISTS consultations_engagement_request_id_user_id_expert_id_fkey;
