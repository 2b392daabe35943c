-- Reverse of logic.sql: the 3 business triggers and the 7 functions of the assessments app.
DROP TRIGGER IF EXISTS calculate_score_on_response_change ON public.assessment_responses;
DROP TRIGGER IF EXISTS enforce_assessment_response_rules_trigger ON public.assessment_responses;
DROP TRIGGER IF EXISTS derive_assessment_fields_trigger ON public.assessments;

DROP FUNCTION IF EXISTS public.get_org_adaptability_trend(uuid, integer);
DROP FUNCTION IF EXISTS public.get_assessment_progress(uuid);
DROP FUNCTION IF EXISTS public.get_user_latest_assessment(uuid);
DROP FUNCTION IF EXISTS public.refresh_assessment_dimension_scores();
DROP FUNCTION IF EXISTS public.enforce_assessment_response_rules();
DROP FUNCTION IF EXISTS public.derive_assessment_fields();
DROP FUNCTION IF EXISTS public.calculate_dimension_score(uuid, text);
