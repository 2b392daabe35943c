-- Value bounds (issue 9 item 11). The ALTER TABLE statements are `python -m humanglue.bounds workshops --reverse`,
-- generated from humanglue/bounds.py (which documents the limits). Frozen once landed: a new limit is a
-- new migration.

ALTER TABLE public.workshops
    DROP CONSTRAINT IF EXISTS workshops_title_not_blank,
    DROP CONSTRAINT IF EXISTS workshops_title_length,
    DROP CONSTRAINT IF EXISTS workshops_slug_format,
    DROP CONSTRAINT IF EXISTS workshops_slug_length,
    DROP CONSTRAINT IF EXISTS workshops_description_length,
    DROP CONSTRAINT IF EXISTS workshops_location_length,
    DROP CONSTRAINT IF EXISTS workshops_meeting_url_length,
    DROP CONSTRAINT IF EXISTS workshops_price_amount_finite,
    DROP CONSTRAINT IF EXISTS workshops_price_early_bird_finite,
    DROP CONSTRAINT IF EXISTS workshops_outcomes_size,
    DROP CONSTRAINT IF EXISTS workshops_prerequisites_size,
    DROP CONSTRAINT IF EXISTS workshops_tags_size,
    DROP CONSTRAINT IF EXISTS workshops_syllabus_size,
    DROP CONSTRAINT IF EXISTS workshops_thumbnail_url_length,
    DROP CONSTRAINT IF EXISTS workshops_video_url_length,
    DROP CONSTRAINT IF EXISTS workshops_materials_url_length,
    DROP CONSTRAINT IF EXISTS workshops_recording_url_length,
    DROP CONSTRAINT IF EXISTS workshops_average_satisfaction_finite,
    DROP CONSTRAINT IF EXISTS workshops_total_revenue_finite,
    DROP CONSTRAINT IF EXISTS workshops_certificate_template_url_length,
    DROP CONSTRAINT IF EXISTS workshops_metadata_size;

ALTER TABLE public.workshop_registrations
    DROP CONSTRAINT IF EXISTS workshop_registrations_price_paid_finite,
    DROP CONSTRAINT IF EXISTS workshop_registrations_metadata_size;

ALTER TABLE public.workshop_feedback
    DROP CONSTRAINT IF EXISTS workshop_feedback_what_went_well_length,
    DROP CONSTRAINT IF EXISTS workshop_feedback_what_could_improve_length,
    DROP CONSTRAINT IF EXISTS workshop_feedback_metadata_size;
