-- Value bounds (issue 9 item 11). The ALTER TABLE statements are `python -m humanglue.bounds workshops`,
-- generated from humanglue/bounds.py (which documents the limits). Frozen once landed: a new limit is a
-- new migration.
-- Each CHECK is added NOT VALID: every new write is checked at once; the migration's ValidateOrReport
-- operation then validates it against the stored rows, or reports the rows that break it.

ALTER TABLE public.workshops
    ADD CONSTRAINT workshops_title_not_blank CHECK (title ~ '[^[:space:]]') NOT VALID,
    ADD CONSTRAINT workshops_title_length CHECK (char_length(title) <= 200) NOT VALID,
    ADD CONSTRAINT workshops_slug_format CHECK (slug ~ '^[a-z0-9]+([._-][a-z0-9]+)*$') NOT VALID,
    ADD CONSTRAINT workshops_slug_length CHECK (char_length(slug) <= 100) NOT VALID,
    ADD CONSTRAINT workshops_description_length CHECK (char_length(description) <= 20000) NOT VALID,
    ADD CONSTRAINT workshops_location_length CHECK (char_length(location) <= 500) NOT VALID,
    ADD CONSTRAINT workshops_meeting_url_length CHECK (char_length(meeting_url) <= 2048) NOT VALID,
    ADD CONSTRAINT workshops_price_amount_finite CHECK (price_amount NOT IN ('NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric)) NOT VALID,
    ADD CONSTRAINT workshops_price_early_bird_finite CHECK (price_early_bird NOT IN ('NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric)) NOT VALID,
    ADD CONSTRAINT workshops_outcomes_size CHECK (cardinality(outcomes) <= 100 AND octet_length(array_to_string(outcomes, '')) <= 20000) NOT VALID,
    ADD CONSTRAINT workshops_prerequisites_size CHECK (cardinality(prerequisites) <= 100 AND octet_length(array_to_string(prerequisites, '')) <= 20000) NOT VALID,
    ADD CONSTRAINT workshops_tags_size CHECK (cardinality(tags) <= 100 AND octet_length(array_to_string(tags, '')) <= 20000) NOT VALID,
    ADD CONSTRAINT workshops_syllabus_size CHECK (octet_length(syllabus::text) <= 262144) NOT VALID,
    ADD CONSTRAINT workshops_thumbnail_url_length CHECK (char_length(thumbnail_url) <= 2048) NOT VALID,
    ADD CONSTRAINT workshops_video_url_length CHECK (char_length(video_url) <= 2048) NOT VALID,
    ADD CONSTRAINT workshops_materials_url_length CHECK (char_length(materials_url) <= 2048) NOT VALID,
    ADD CONSTRAINT workshops_recording_url_length CHECK (char_length(recording_url) <= 2048) NOT VALID,
    ADD CONSTRAINT workshops_average_satisfaction_finite CHECK (average_satisfaction NOT IN ('NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric)) NOT VALID,
    ADD CONSTRAINT workshops_total_revenue_finite CHECK (total_revenue NOT IN ('NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric)) NOT VALID,
    ADD CONSTRAINT workshops_certificate_template_url_length CHECK (char_length(certificate_template_url) <= 2048) NOT VALID,
    ADD CONSTRAINT workshops_metadata_size CHECK (octet_length(metadata::text) <= 65536) NOT VALID;

ALTER TABLE public.workshop_registrations
    ADD CONSTRAINT workshop_registrations_price_paid_finite CHECK (price_paid NOT IN ('NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric)) NOT VALID,
    ADD CONSTRAINT workshop_registrations_metadata_size CHECK (octet_length(metadata::text) <= 65536) NOT VALID;

ALTER TABLE public.workshop_feedback
    ADD CONSTRAINT workshop_feedback_what_went_well_length CHECK (char_length(what_went_well) <= 20000) NOT VALID,
    ADD CONSTRAINT workshop_feedback_what_could_improve_length CHECK (char_length(what_could_improve) <= 20000) NOT VALID,
    ADD CONSTRAINT workshop_feedback_metadata_size CHECK (octet_length(metadata::text) <= 65536) NOT VALID;
