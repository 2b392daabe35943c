-- Value bounds (issue 9 item 11). The ALTER TABLE statements are `python -m humanglue.bounds instructors --reverse`,
-- generated from humanglue/bounds.py (which documents the limits). Frozen once landed: a new limit is a
-- new migration.

ALTER TABLE public.instructor_profiles
    DROP CONSTRAINT IF EXISTS instructor_profiles_professional_title_not_blank,
    DROP CONSTRAINT IF EXISTS instructor_profiles_professional_title_length,
    DROP CONSTRAINT IF EXISTS instructor_profiles_cover_photo_url_length,
    DROP CONSTRAINT IF EXISTS instructor_profiles_video_intro_url_length,
    DROP CONSTRAINT IF EXISTS instructor_profiles_expertise_tags_size,
    DROP CONSTRAINT IF EXISTS instructor_profiles_pillars_size,
    DROP CONSTRAINT IF EXISTS instructor_profiles_education_size,
    DROP CONSTRAINT IF EXISTS instructor_profiles_certifications_size,
    DROP CONSTRAINT IF EXISTS instructor_profiles_work_experience_size,
    DROP CONSTRAINT IF EXISTS instructor_profiles_social_links_size,
    DROP CONSTRAINT IF EXISTS instructor_profiles_average_rating_finite,
    DROP CONSTRAINT IF EXISTS instructor_profiles_metadata_size;

ALTER TABLE public.instructor_settings
    DROP CONSTRAINT IF EXISTS instructor_settings_email_notifications_size,
    DROP CONSTRAINT IF EXISTS instructor_settings_push_notifications_size,
    DROP CONSTRAINT IF EXISTS instructor_settings_payment_details_size,
    DROP CONSTRAINT IF EXISTS instructor_settings_minimum_payout_amount_finite,
    DROP CONSTRAINT IF EXISTS instructor_settings_currency_format,
    DROP CONSTRAINT IF EXISTS instructor_settings_calendar_sync_token_length,
    DROP CONSTRAINT IF EXISTS instructor_settings_metadata_size;

ALTER TABLE public.courses
    DROP CONSTRAINT IF EXISTS courses_title_not_blank,
    DROP CONSTRAINT IF EXISTS courses_title_length,
    DROP CONSTRAINT IF EXISTS courses_slug_format,
    DROP CONSTRAINT IF EXISTS courses_slug_length,
    DROP CONSTRAINT IF EXISTS courses_description_length,
    DROP CONSTRAINT IF EXISTS courses_thumbnail_url_length,
    DROP CONSTRAINT IF EXISTS courses_trailer_url_length,
    DROP CONSTRAINT IF EXISTS courses_category_length,
    DROP CONSTRAINT IF EXISTS courses_tags_size,
    DROP CONSTRAINT IF EXISTS courses_what_you_will_learn_size,
    DROP CONSTRAINT IF EXISTS courses_target_audience_size,
    DROP CONSTRAINT IF EXISTS courses_prerequisites_size,
    DROP CONSTRAINT IF EXISTS courses_duration_hours_finite,
    DROP CONSTRAINT IF EXISTS courses_estimated_effort_length,
    DROP CONSTRAINT IF EXISTS courses_language_length,
    DROP CONSTRAINT IF EXISTS courses_price_amount_finite,
    DROP CONSTRAINT IF EXISTS courses_currency_format,
    DROP CONSTRAINT IF EXISTS courses_average_rating_finite,
    DROP CONSTRAINT IF EXISTS courses_total_revenue_finite,
    DROP CONSTRAINT IF EXISTS courses_certificate_template_url_length,
    DROP CONSTRAINT IF EXISTS courses_drip_schedule_size,
    DROP CONSTRAINT IF EXISTS courses_metadata_size;

ALTER TABLE public.course_sections
    DROP CONSTRAINT IF EXISTS course_sections_title_not_blank,
    DROP CONSTRAINT IF EXISTS course_sections_title_length,
    DROP CONSTRAINT IF EXISTS course_sections_description_length,
    DROP CONSTRAINT IF EXISTS course_sections_metadata_size;

ALTER TABLE public.course_lessons
    DROP CONSTRAINT IF EXISTS course_lessons_title_not_blank,
    DROP CONSTRAINT IF EXISTS course_lessons_title_length,
    DROP CONSTRAINT IF EXISTS course_lessons_description_length,
    DROP CONSTRAINT IF EXISTS course_lessons_video_url_length,
    DROP CONSTRAINT IF EXISTS course_lessons_article_content_length,
    DROP CONSTRAINT IF EXISTS course_lessons_resource_url_length,
    DROP CONSTRAINT IF EXISTS course_lessons_quiz_questions_size,
    DROP CONSTRAINT IF EXISTS course_lessons_metadata_size;

ALTER TABLE public.enrollments
    DROP CONSTRAINT IF EXISTS enrollments_certificate_url_length,
    DROP CONSTRAINT IF EXISTS enrollments_metadata_size;

ALTER TABLE public.student_progress
    DROP CONSTRAINT IF EXISTS student_progress_metadata_size;

ALTER TABLE public.student_activity
    DROP CONSTRAINT IF EXISTS student_activity_activity_title_not_blank,
    DROP CONSTRAINT IF EXISTS student_activity_activity_title_length,
    DROP CONSTRAINT IF EXISTS student_activity_activity_description_length,
    DROP CONSTRAINT IF EXISTS student_activity_metadata_size;

ALTER TABLE public.course_reviews
    DROP CONSTRAINT IF EXISTS course_reviews_title_not_blank,
    DROP CONSTRAINT IF EXISTS course_reviews_title_length,
    DROP CONSTRAINT IF EXISTS course_reviews_instructor_response_length,
    DROP CONSTRAINT IF EXISTS course_reviews_metadata_size;

ALTER TABLE public.quiz_attempts
    DROP CONSTRAINT IF EXISTS quiz_attempts_quiz_data_size,
    DROP CONSTRAINT IF EXISTS quiz_attempts_score_finite,
    DROP CONSTRAINT IF EXISTS quiz_attempts_max_score_finite,
    DROP CONSTRAINT IF EXISTS quiz_attempts_percentage_finite,
    DROP CONSTRAINT IF EXISTS quiz_attempts_metadata_size;

ALTER TABLE public.assignment_submissions
    DROP CONSTRAINT IF EXISTS assignment_submissions_submission_text_length,
    DROP CONSTRAINT IF EXISTS assignment_submissions_submission_url_length,
    DROP CONSTRAINT IF EXISTS assignment_submissions_attachments_size,
    DROP CONSTRAINT IF EXISTS assignment_submissions_feedback_length,
    DROP CONSTRAINT IF EXISTS assignment_submissions_grade_finite,
    DROP CONSTRAINT IF EXISTS assignment_submissions_metadata_size;
