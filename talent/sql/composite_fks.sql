-- Composite FK Django cannot express (spec 60, consultations.engagement_request_id; DESIGNED).
-- A session's parties are the engagement's parties. MATCH SIMPLE: not checked while
-- engagement_request_id is NULL (standalone consultations). The target is the UNIQUE constraint
-- engagement_requests_id_client_id_expert_id_key. The Django field is declared db_constraint=False.
-- Deferrable like Django's own FK constraints (the CASCADE action itself is never deferred).
ALTER TABLE public.consultations
    ADD CONSTRAINT consultations_engagement_request_id_user_id_expert_id_fkey
    FOREIGN KEY (engagement_request_id, user_id, expert_id)
    REFERENCES public.engagement_requests (id, client_id, expert_id)
    MATCH SIMPLE
    ON DELETE CASCADE
    DEFERRABLE INITIALLY DEFERRED;
