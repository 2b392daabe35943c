-- Reverse of 0007_v2_session_kind.sql: app.consultation_column_rules() as landed in
-- talent/sql/0005_v2_marketplace_rules.sql.

CREATE OR REPLACE FUNCTION app.consultation_column_rules()
RETURNS TABLE (column_name text, rule text, party text, statuses text[], refusal text)
LANGUAGE sql
IMMUTABLE
PARALLEL SAFE
AS $$
    VALUES
        ('id', 'immutable', NULL, NULL::text[], 'immutable_column'),
        ('user_id', 'immutable', NULL, NULL, 'immutable_column'),
        ('expert_id', 'immutable', NULL, NULL, 'immutable_column'),
        ('engagement_request_id', 'immutable', NULL, NULL, 'immutable_column'),
        ('created_at', 'immutable', NULL, NULL, 'immutable_column'),
        ('payment_id', 'maintained', NULL, NULL, NULL),
        ('payment_status', 'maintained', NULL, NULL, NULL),
        ('updated_at', 'automatic', NULL, NULL, NULL),
        ('status', 'status', NULL, NULL, NULL),
        -- the client's request, editable while requested
        ('title', 'write', 'client', '{requested}', 'restricted_column'),
        ('title', 'write', 'admin', NULL, 'restricted_column'),
        ('description', 'write', 'client', '{requested}', 'restricted_column'),
        ('description', 'write', 'admin', NULL, 'restricted_column'),
        ('topics', 'write', 'client', '{requested}', 'restricted_column'),
        ('topics', 'write', 'admin', NULL, 'restricted_column'),
        ('pillar', 'write', 'client', '{requested}', 'restricted_column'),
        ('pillar', 'write', 'expert', '{requested,scheduled}', 'restricted_column'),
        ('pillar', 'write', 'admin', NULL, 'restricted_column'),
        ('session_type', 'write', 'client', '{requested}', 'restricted_column'),
        ('session_type', 'write', 'expert', '{requested,scheduled}', 'restricted_column'),
        ('session_type', 'write', 'admin', NULL, 'restricted_column'),
        ('organization_id', 'write', 'client', NULL, 'restricted_column'),
        ('organization_id', 'write', 'admin', NULL, 'restricted_column'),
        -- the expert's calendar and session record; expert_notes are private to the expert
        ('scheduled_start', 'write', 'expert', '{requested,scheduled}', 'restricted_column'),
        ('scheduled_start', 'write', 'admin', NULL, 'restricted_column'),
        ('scheduled_end', 'write', 'expert', '{requested,scheduled}', 'restricted_column'),
        ('scheduled_end', 'write', 'admin', NULL, 'restricted_column'),
        ('actual_start', 'write', 'expert', NULL, 'restricted_column'),
        ('actual_start', 'write', 'admin', NULL, 'restricted_column'),
        ('actual_end', 'write', 'expert', NULL, 'restricted_column'),
        ('actual_end', 'write', 'admin', NULL, 'restricted_column'),
        ('duration_minutes', 'write', 'expert', NULL, 'restricted_column'),
        ('duration_minutes', 'write', 'admin', NULL, 'restricted_column'),
        ('meeting_url', 'write', 'expert', NULL, 'restricted_column'),
        ('meeting_url', 'write', 'admin', NULL, 'restricted_column'),
        ('meeting_notes', 'write', 'expert', NULL, 'restricted_column'),
        ('meeting_notes', 'write', 'admin', NULL, 'restricted_column'),
        ('action_items', 'write', 'expert', NULL, 'restricted_column'),
        ('action_items', 'write', 'admin', NULL, 'restricted_column'),
        ('expert_notes', 'write', 'expert', NULL, 'restricted_column'),
        ('expert_notes', 'write', 'admin', NULL, 'restricted_column'),
        -- whoever cancels gives the reason; which reason is whose is checked by the guard
        ('cancellation_reason', 'write', 'client', NULL, 'restricted_column'),
        ('cancellation_reason', 'write', 'expert', NULL, 'restricted_column'),
        ('cancellation_reason', 'write', 'admin', NULL, 'restricted_column'),
        -- the client's rating, once the session is completed
        ('user_rating', 'write', 'client', '{completed}', 'rating_requires_completion'),
        ('user_feedback', 'write', 'client', '{completed}', 'rating_requires_completion'),
        ('metadata', 'write', 'client', NULL, 'restricted_column'),
        ('metadata', 'write', 'expert', NULL, 'restricted_column'),
        ('metadata', 'write', 'admin', NULL, 'restricted_column'),
        -- set at booking from the expert's profile; never written through the API afterwards (spec 60)
        ('amount', 'price', NULL, NULL, 'price_pinned'),
        ('currency', 'price', NULL, NULL, 'price_pinned')
$$;
