-- Value bounds (issue 9 item 11). The ALTER TABLE statements are `python -m humanglue.bounds talent`,
-- generated from humanglue/bounds.py (which documents the limits). Frozen once landed: a new limit is a
-- new migration.
-- Each CHECK is added NOT VALID: every new write is checked at once; the migration's ValidateOrReport
-- operation then validates it against the stored rows, or reports the rows that break it.

ALTER TABLE public.talent_profiles
    ADD CONSTRAINT talent_profiles_title_not_blank CHECK (title ~ '[^[:space:]]') NOT VALID,
    ADD CONSTRAINT talent_profiles_title_length CHECK (char_length(title) <= 200) NOT VALID,
    ADD CONSTRAINT talent_profiles_bio_length CHECK (char_length(bio) <= 20000) NOT VALID,
    ADD CONSTRAINT talent_profiles_location_length CHECK (char_length(location) <= 500) NOT VALID,
    ADD CONSTRAINT talent_profiles_expertise_size CHECK (cardinality(expertise) <= 100 AND octet_length(array_to_string(expertise, '')) <= 20000) NOT VALID,
    ADD CONSTRAINT talent_profiles_certifications_size CHECK (cardinality(certifications) <= 100 AND octet_length(array_to_string(certifications, '')) <= 20000) NOT VALID,
    ADD CONSTRAINT talent_profiles_languages_size CHECK (cardinality(languages) <= 100 AND octet_length(array_to_string(languages, '')) <= 20000) NOT VALID,
    ADD CONSTRAINT talent_profiles_pillars_size CHECK (cardinality(pillars) <= 100 AND octet_length(array_to_string(pillars, '')) <= 20000) NOT VALID,
    ADD CONSTRAINT talent_profiles_industries_size CHECK (cardinality(industries) <= 100 AND octet_length(array_to_string(industries, '')) <= 20000) NOT VALID,
    ADD CONSTRAINT talent_profiles_transformation_stages_size CHECK (cardinality(transformation_stages) <= 100 AND octet_length(array_to_string(transformation_stages, '')) <= 20000) NOT VALID,
    ADD CONSTRAINT talent_profiles_rating_finite CHECK (rating NOT IN ('NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric)) NOT VALID,
    ADD CONSTRAINT talent_profiles_hourly_rate_finite CHECK (hourly_rate NOT IN ('NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric)) NOT VALID,
    ADD CONSTRAINT talent_profiles_weekly_availability_size CHECK (octet_length(weekly_availability::text) <= 65536) NOT VALID,
    ADD CONSTRAINT talent_profiles_testimonials_size CHECK (octet_length(testimonials::text) <= 65536) NOT VALID,
    ADD CONSTRAINT talent_profiles_avatar_url_length CHECK (char_length(avatar_url) <= 2048) NOT VALID,
    ADD CONSTRAINT talent_profiles_video_intro_url_length CHECK (char_length(video_intro_url) <= 2048) NOT VALID,
    ADD CONSTRAINT talent_profiles_metadata_size CHECK (octet_length(metadata::text) <= 65536) NOT VALID;

ALTER TABLE public.engagement_requests
    ADD CONSTRAINT engagement_requests_title_not_blank CHECK (title ~ '[^[:space:]]') NOT VALID,
    ADD CONSTRAINT engagement_requests_title_length CHECK (char_length(title) <= 200) NOT VALID,
    ADD CONSTRAINT engagement_requests_description_length CHECK (char_length(description) <= 20000) NOT VALID,
    ADD CONSTRAINT engagement_requests_focus_area_length CHECK (char_length(focus_area) <= 500) NOT VALID,
    ADD CONSTRAINT engagement_requests_initial_message_length CHECK (char_length(initial_message) <= 20000) NOT VALID,
    ADD CONSTRAINT engagement_requests_timeline_length CHECK (char_length(timeline) <= 500) NOT VALID,
    ADD CONSTRAINT engagement_requests_hours_total_finite CHECK (hours_total NOT IN ('NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric)) NOT VALID,
    ADD CONSTRAINT engagement_requests_hours_used_finite CHECK (hours_used NOT IN ('NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric)) NOT VALID,
    ADD CONSTRAINT engagement_requests_hourly_rate_finite CHECK (hourly_rate NOT IN ('NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric)) NOT VALID,
    ADD CONSTRAINT engagement_requests_deliverables_size CHECK (octet_length(deliverables::text) <= 65536) NOT VALID,
    ADD CONSTRAINT engagement_requests_milestones_size CHECK (octet_length(milestones::text) <= 65536) NOT VALID,
    ADD CONSTRAINT engagement_requests_outcomes_size CHECK (octet_length(outcomes::text) <= 65536) NOT VALID,
    ADD CONSTRAINT engagement_requests_metadata_size CHECK (octet_length(metadata::text) <= 65536) NOT VALID;

ALTER TABLE public.consultations
    ADD CONSTRAINT consultations_title_not_blank CHECK (title ~ '[^[:space:]]') NOT VALID,
    ADD CONSTRAINT consultations_title_length CHECK (char_length(title) <= 200) NOT VALID,
    ADD CONSTRAINT consultations_description_length CHECK (char_length(description) <= 20000) NOT VALID,
    ADD CONSTRAINT consultations_topics_size CHECK (cardinality(topics) <= 100 AND octet_length(array_to_string(topics, '')) <= 20000) NOT VALID,
    ADD CONSTRAINT consultations_meeting_url_length CHECK (char_length(meeting_url) <= 2048) NOT VALID,
    ADD CONSTRAINT consultations_meeting_notes_length CHECK (char_length(meeting_notes) <= 20000) NOT VALID,
    ADD CONSTRAINT consultations_action_items_size CHECK (octet_length(action_items::text) <= 65536) NOT VALID,
    ADD CONSTRAINT consultations_amount_finite CHECK (amount NOT IN ('NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric)) NOT VALID,
    ADD CONSTRAINT consultations_user_feedback_length CHECK (char_length(user_feedback) <= 20000) NOT VALID,
    ADD CONSTRAINT consultations_expert_notes_length CHECK (char_length(expert_notes) <= 20000) NOT VALID,
    ADD CONSTRAINT consultations_metadata_size CHECK (octet_length(metadata::text) <= 65536) NOT VALID;

CREATE TRIGGER validate_talent_profiles_timezone
    BEFORE INSERT OR UPDATE OF timezone ON public.talent_profiles
    FOR EACH ROW EXECUTE FUNCTION public.validate_timezone_column();
