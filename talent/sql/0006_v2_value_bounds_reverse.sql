-- Value bounds (issue 9 item 11). The ALTER TABLE statements are `python -m humanglue.bounds talent --reverse`,
-- generated from humanglue/bounds.py (which documents the limits). Frozen once landed: a new limit is a
-- new migration.

DROP TRIGGER IF EXISTS validate_talent_profiles_timezone ON public.talent_profiles;

ALTER TABLE public.talent_profiles
    DROP CONSTRAINT IF EXISTS talent_profiles_title_not_blank,
    DROP CONSTRAINT IF EXISTS talent_profiles_title_length,
    DROP CONSTRAINT IF EXISTS talent_profiles_bio_length,
    DROP CONSTRAINT IF EXISTS talent_profiles_location_length,
    DROP CONSTRAINT IF EXISTS talent_profiles_expertise_size,
    DROP CONSTRAINT IF EXISTS talent_profiles_certifications_size,
    DROP CONSTRAINT IF EXISTS talent_profiles_languages_size,
    DROP CONSTRAINT IF EXISTS talent_profiles_pillars_size,
    DROP CONSTRAINT IF EXISTS talent_profiles_industries_size,
    DROP CONSTRAINT IF EXISTS talent_profiles_transformation_stages_size,
    DROP CONSTRAINT IF EXISTS talent_profiles_rating_finite,
    DROP CONSTRAINT IF EXISTS talent_profiles_hourly_rate_finite,
    DROP CONSTRAINT IF EXISTS talent_profiles_weekly_availability_size,
    DROP CONSTRAINT IF EXISTS talent_profiles_testimonials_size,
    DROP CONSTRAINT IF EXISTS talent_profiles_avatar_url_length,
    DROP CONSTRAINT IF EXISTS talent_profiles_video_intro_url_length,
    DROP CONSTRAINT IF EXISTS talent_profiles_metadata_size;

ALTER TABLE public.engagement_requests
    DROP CONSTRAINT IF EXISTS engagement_requests_title_not_blank,
    DROP CONSTRAINT IF EXISTS engagement_requests_title_length,
    DROP CONSTRAINT IF EXISTS engagement_requests_description_length,
    DROP CONSTRAINT IF EXISTS engagement_requests_focus_area_length,
    DROP CONSTRAINT IF EXISTS engagement_requests_initial_message_length,
    DROP CONSTRAINT IF EXISTS engagement_requests_timeline_length,
    DROP CONSTRAINT IF EXISTS engagement_requests_hours_total_finite,
    DROP CONSTRAINT IF EXISTS engagement_requests_hours_used_finite,
    DROP CONSTRAINT IF EXISTS engagement_requests_hourly_rate_finite,
    DROP CONSTRAINT IF EXISTS engagement_requests_deliverables_size,
    DROP CONSTRAINT IF EXISTS engagement_requests_milestones_size,
    DROP CONSTRAINT IF EXISTS engagement_requests_outcomes_size,
    DROP CONSTRAINT IF EXISTS engagement_requests_metadata_size;

ALTER TABLE public.consultations
    DROP CONSTRAINT IF EXISTS consultations_title_not_blank,
    DROP CONSTRAINT IF EXISTS consultations_title_length,
    DROP CONSTRAINT IF EXISTS consultations_description_length,
    DROP CONSTRAINT IF EXISTS consultations_topics_size,
    DROP CONSTRAINT IF EXISTS consultations_meeting_url_length,
    DROP CONSTRAINT IF EXISTS consultations_meeting_notes_length,
    DROP CONSTRAINT IF EXISTS consultations_action_items_size,
    DROP CONSTRAINT IF EXISTS consultations_amount_finite,
    DROP CONSTRAINT IF EXISTS consultations_user_feedback_length,
    DROP CONSTRAINT IF EXISTS consultations_expert_notes_length,
    DROP CONSTRAINT IF EXISTS consultations_metadata_size;
