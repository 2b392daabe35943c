-- Value bounds (issue 9 item 11). The ALTER TABLE statements are `python -m humanglue.bounds assessments`,
-- generated from humanglue/bounds.py (which documents the limits). Frozen once landed: a new limit is a
-- new migration.
-- Each CHECK is added NOT VALID: every new write is checked at once; the migration's ValidateOrReport
-- operation then validates it against the stored rows, or reports the rows that break it.

ALTER TABLE public.assessments
    ADD CONSTRAINT assessments_results_size CHECK (octet_length(results::text) <= 262144) NOT VALID,
    ADD CONSTRAINT assessments_recommendations_size CHECK (octet_length(recommendations::text) <= 262144) NOT VALID,
    ADD CONSTRAINT assessments_metadata_size CHECK (octet_length(metadata::text) <= 65536) NOT VALID;

ALTER TABLE public.assessment_responses
    ADD CONSTRAINT assessment_responses_question_id_length CHECK (char_length(question_id) <= 255) NOT VALID,
    ADD CONSTRAINT assessment_responses_question_text_length CHECK (char_length(question_text) <= 20000) NOT VALID,
    ADD CONSTRAINT assessment_responses_response_text_length CHECK (char_length(response_text) <= 20000) NOT VALID,
    ADD CONSTRAINT assessment_responses_response_audio_url_length CHECK (char_length(response_audio_url) <= 2048) NOT VALID,
    ADD CONSTRAINT assessment_responses_ai_transcription_length CHECK (char_length(ai_transcription) <= 20000) NOT VALID,
    ADD CONSTRAINT assessment_responses_ai_sentiment_score_finite CHECK (ai_sentiment_score NOT IN ('NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric)) NOT VALID,
    ADD CONSTRAINT assessment_responses_ai_confidence_score_finite CHECK (ai_confidence_score NOT IN ('NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric)) NOT VALID,
    ADD CONSTRAINT assessment_responses_ai_analysis_size CHECK (octet_length(ai_analysis::text) <= 65536) NOT VALID,
    ADD CONSTRAINT assessment_responses_metadata_size CHECK (octet_length(metadata::text) <= 65536) NOT VALID;
