-- Value bounds (issue 9 item 11). The ALTER TABLE statements are `python -m humanglue.bounds instructors`,
-- generated from humanglue/bounds.py (which documents the limits). Frozen once landed: a new limit is a
-- new migration.
-- Each CHECK is added NOT VALID: every new write is checked at once; the migration's ValidateOrReport
-- operation then validates it against the stored rows, or reports the rows that break it.

ALTER TABLE public.instructor_profiles
    ADD CONSTRAINT instructor_profiles_professional_title_not_blank CHECK (professional_title ~ '[^[:space:]]') NOT VALID,
    ADD CONSTRAINT instructor_profiles_professional_title_length CHECK (char_length(professional_title) <= 200) NOT VALID,
    ADD CONSTRAINT instructor_profiles_cover_photo_url_length CHECK (char_length(cover_photo_url) <= 2048) NOT VALID,
    ADD CONSTRAINT instructor_profiles_video_intro_url_length CHECK (char_length(video_intro_url) <= 2048) NOT VALID,
    ADD CONSTRAINT instructor_profiles_expertise_tags_size CHECK (cardinality(expertise_tags) <= 100 AND octet_length(array_to_string(expertise_tags, '')) <= 20000) NOT VALID,
    ADD CONSTRAINT instructor_profiles_pillars_size CHECK (cardinality(pillars) <= 100 AND octet_length(array_to_string(pillars, '')) <= 20000) NOT VALID,
    ADD CONSTRAINT instructor_profiles_education_size CHECK (octet_length(education::text) <= 65536) NOT VALID,
    ADD CONSTRAINT instructor_profiles_certifications_size CHECK (octet_length(certifications::text) <= 65536) NOT VALID,
    ADD CONSTRAINT instructor_profiles_work_experience_size CHECK (octet_length(work_experience::text) <= 65536) NOT VALID,
    ADD CONSTRAINT instructor_profiles_social_links_size CHECK (octet_length(social_links::text) <= 65536) NOT VALID,
    ADD CONSTRAINT instructor_profiles_average_rating_finite CHECK (average_rating NOT IN ('NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric)) NOT VALID,
    ADD CONSTRAINT instructor_profiles_metadata_size CHECK (octet_length(metadata::text) <= 65536) NOT VALID;

ALTER TABLE public.instructor_settings
    ADD CONSTRAINT instructor_settings_email_notifications_size CHECK (octet_length(email_notifications::text) <= 65536) NOT VALID,
    ADD CONSTRAINT instructor_settings_push_notifications_size CHECK (octet_length(push_notifications::text) <= 65536) NOT VALID,
    ADD CONSTRAINT instructor_settings_payment_details_size CHECK (octet_length(payment_details::text) <= 65536) NOT VALID,
    ADD CONSTRAINT instructor_settings_minimum_payout_amount_finite CHECK (minimum_payout_amount NOT IN ('NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric)) NOT VALID,
    ADD CONSTRAINT instructor_settings_currency_format CHECK (currency ~ '^[A-Z]{3}$') NOT VALID,
    ADD CONSTRAINT instructor_settings_calendar_sync_token_length CHECK (char_length(calendar_sync_token) <= 2048) NOT VALID,
    ADD CONSTRAINT instructor_settings_metadata_size CHECK (octet_length(metadata::text) <= 65536) NOT VALID;

ALTER TABLE public.courses
    ADD CONSTRAINT courses_title_not_blank CHECK (title ~ '[^[:space:]]') NOT VALID,
    ADD CONSTRAINT courses_title_length CHECK (char_length(title) <= 200) NOT VALID,
    ADD CONSTRAINT courses_slug_format CHECK (slug ~ '^[a-z0-9]+([._-][a-z0-9]+)*$') NOT VALID,
    ADD CONSTRAINT courses_slug_length CHECK (char_length(slug) <= 100) NOT VALID,
    ADD CONSTRAINT courses_description_length CHECK (char_length(description) <= 20000) NOT VALID,
    ADD CONSTRAINT courses_thumbnail_url_length CHECK (char_length(thumbnail_url) <= 2048) NOT VALID,
    ADD CONSTRAINT courses_trailer_url_length CHECK (char_length(trailer_url) <= 2048) NOT VALID,
    ADD CONSTRAINT courses_category_length CHECK (char_length(category) <= 200) NOT VALID,
    ADD CONSTRAINT courses_tags_size CHECK (cardinality(tags) <= 100 AND octet_length(array_to_string(tags, '')) <= 20000) NOT VALID,
    ADD CONSTRAINT courses_what_you_will_learn_size CHECK (cardinality(what_you_will_learn) <= 100 AND octet_length(array_to_string(what_you_will_learn, '')) <= 20000) NOT VALID,
    ADD CONSTRAINT courses_target_audience_size CHECK (cardinality(target_audience) <= 100 AND octet_length(array_to_string(target_audience, '')) <= 20000) NOT VALID,
    ADD CONSTRAINT courses_prerequisites_size CHECK (cardinality(prerequisites) <= 100 AND octet_length(array_to_string(prerequisites, '')) <= 20000) NOT VALID,
    ADD CONSTRAINT courses_duration_hours_finite CHECK (duration_hours NOT IN ('NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric)) NOT VALID,
    ADD CONSTRAINT courses_estimated_effort_length CHECK (char_length(estimated_effort) <= 200) NOT VALID,
    ADD CONSTRAINT courses_language_length CHECK (char_length(language) <= 255) NOT VALID,
    ADD CONSTRAINT courses_price_amount_finite CHECK (price_amount NOT IN ('NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric)) NOT VALID,
    ADD CONSTRAINT courses_currency_format CHECK (currency ~ '^[A-Z]{3}$') NOT VALID,
    ADD CONSTRAINT courses_average_rating_finite CHECK (average_rating NOT IN ('NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric)) NOT VALID,
    ADD CONSTRAINT courses_total_revenue_finite CHECK (total_revenue NOT IN ('NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric)) NOT VALID,
    ADD CONSTRAINT courses_certificate_template_url_length CHECK (char_length(certificate_template_url) <= 2048) NOT VALID,
    ADD CONSTRAINT courses_drip_schedule_size CHECK (octet_length(drip_schedule::text) <= 65536) NOT VALID,
    ADD CONSTRAINT courses_metadata_size CHECK (octet_length(metadata::text) <= 65536) NOT VALID;

ALTER TABLE public.course_sections
    ADD CONSTRAINT course_sections_title_not_blank CHECK (title ~ '[^[:space:]]') NOT VALID,
    ADD CONSTRAINT course_sections_title_length CHECK (char_length(title) <= 200) NOT VALID,
    ADD CONSTRAINT course_sections_description_length CHECK (char_length(description) <= 20000) NOT VALID,
    ADD CONSTRAINT course_sections_metadata_size CHECK (octet_length(metadata::text) <= 65536) NOT VALID;

ALTER TABLE public.course_lessons
    ADD CONSTRAINT course_lessons_title_not_blank CHECK (title ~ '[^[:space:]]') NOT VALID,
    ADD CONSTRAINT course_lessons_title_length CHECK (char_length(title) <= 200) NOT VALID,
    ADD CONSTRAINT course_lessons_description_length CHECK (char_length(description) <= 20000) NOT VALID,
    ADD CONSTRAINT course_lessons_video_url_length CHECK (char_length(video_url) <= 2048) NOT VALID,
    ADD CONSTRAINT course_lessons_article_content_length CHECK (char_length(article_content) <= 200000) NOT VALID,
    ADD CONSTRAINT course_lessons_resource_url_length CHECK (char_length(resource_url) <= 2048) NOT VALID,
    ADD CONSTRAINT course_lessons_quiz_questions_size CHECK (octet_length(quiz_questions::text) <= 262144) NOT VALID,
    ADD CONSTRAINT course_lessons_metadata_size CHECK (octet_length(metadata::text) <= 65536) NOT VALID;

ALTER TABLE public.enrollments
    ADD CONSTRAINT enrollments_certificate_url_length CHECK (char_length(certificate_url) <= 2048) NOT VALID,
    ADD CONSTRAINT enrollments_metadata_size CHECK (octet_length(metadata::text) <= 65536) NOT VALID;

ALTER TABLE public.student_progress
    ADD CONSTRAINT student_progress_metadata_size CHECK (octet_length(metadata::text) <= 65536) NOT VALID;

ALTER TABLE public.student_activity
    ADD CONSTRAINT student_activity_activity_title_not_blank CHECK (activity_title ~ '[^[:space:]]') NOT VALID,
    ADD CONSTRAINT student_activity_activity_title_length CHECK (char_length(activity_title) <= 500) NOT VALID,
    ADD CONSTRAINT student_activity_activity_description_length CHECK (char_length(activity_description) <= 20000) NOT VALID,
    ADD CONSTRAINT student_activity_metadata_size CHECK (octet_length(metadata::text) <= 65536) NOT VALID;

ALTER TABLE public.course_reviews
    ADD CONSTRAINT course_reviews_title_not_blank CHECK (title ~ '[^[:space:]]') NOT VALID,
    ADD CONSTRAINT course_reviews_title_length CHECK (char_length(title) <= 200) NOT VALID,
    ADD CONSTRAINT course_reviews_instructor_response_length CHECK (char_length(instructor_response) <= 20000) NOT VALID,
    ADD CONSTRAINT course_reviews_metadata_size CHECK (octet_length(metadata::text) <= 65536) NOT VALID;

ALTER TABLE public.quiz_attempts
    ADD CONSTRAINT quiz_attempts_quiz_data_size CHECK (octet_length(quiz_data::text) <= 262144) NOT VALID,
    ADD CONSTRAINT quiz_attempts_score_finite CHECK (score NOT IN ('NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric)) NOT VALID,
    ADD CONSTRAINT quiz_attempts_max_score_finite CHECK (max_score NOT IN ('NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric)) NOT VALID,
    ADD CONSTRAINT quiz_attempts_percentage_finite CHECK (percentage NOT IN ('NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric)) NOT VALID,
    ADD CONSTRAINT quiz_attempts_metadata_size CHECK (octet_length(metadata::text) <= 65536) NOT VALID;

ALTER TABLE public.assignment_submissions
    ADD CONSTRAINT assignment_submissions_submission_text_length CHECK (char_length(submission_text) <= 20000) NOT VALID,
    ADD CONSTRAINT assignment_submissions_submission_url_length CHECK (char_length(submission_url) <= 2048) NOT VALID,
    ADD CONSTRAINT assignment_submissions_attachments_size CHECK (octet_length(attachments::text) <= 65536) NOT VALID,
    ADD CONSTRAINT assignment_submissions_feedback_length CHECK (char_length(feedback) <= 20000) NOT VALID,
    ADD CONSTRAINT assignment_submissions_grade_finite CHECK (grade NOT IN ('NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric)) NOT VALID,
    ADD CONSTRAINT assignment_submissions_metadata_size CHECK (octet_length(metadata::text) <= 65536) NOT VALID;
