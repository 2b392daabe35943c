-- Value bounds (issue 9 item 11). The ALTER TABLE statements are `python -m humanglue.bounds assessments --reverse`,
-- generated from humanglue/bounds.py (which documents the limits). Frozen once landed: a new limit is a
-- new migration.

ALTER TABLE public.assessments
    DROP CONSTRAINT IF EXISTS assessments_results_size,
    DROP CONSTRAINT IF EXISTS assessments_recommendations_size,
    DROP CONSTRAINT IF EXISTS assessments_metadata_size;

ALTER TABLE public.assessment_responses
    DROP CONSTRAINT IF EXISTS assessment_responses_question_id_length,
    DROP CONSTRAINT IF EXISTS assessment_responses_question_text_length,
    DROP CONSTRAINT IF EXISTS assessment_responses_response_text_length,
    DROP CONSTRAINT IF EXISTS assessment_responses_response_audio_url_length,
    DROP CONSTRAINT IF EXISTS assessment_responses_ai_transcription_length,
    DROP CONSTRAINT IF EXISTS assessment_responses_ai_sentiment_score_finite,
    DROP CONSTRAINT IF EXISTS assessment_responses_ai_confidence_score_finite,
    DROP CONSTRAINT IF EXISTS assessment_responses_ai_analysis_size,
    DROP CONSTRAINT IF EXISTS assessment_responses_metadata_size;
