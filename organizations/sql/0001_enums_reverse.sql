-- Reverse of 0001_enums.sql.
DROP TYPE IF EXISTS public.payout_schedule;
DROP TYPE IF EXISTS public.transaction_type;
DROP TYPE IF EXISTS public.activity_type;
DROP TYPE IF EXISTS public.workshop_type;
DROP TYPE IF EXISTS public.lesson_type;
DROP TYPE IF EXISTS public.course_difficulty;
DROP TYPE IF EXISTS public.course_status;
DROP TYPE IF EXISTS public.ai_pillar;
DROP TYPE IF EXISTS public.content_type;
DROP TYPE IF EXISTS public.payment_status;
DROP TYPE IF EXISTS public.consultation_status;
DROP TYPE IF EXISTS public.registration_status;
DROP TYPE IF EXISTS public.workshop_status;
DROP TYPE IF EXISTS public.enrollment_status;
DROP TYPE IF EXISTS public.assessment_status;
DROP TYPE IF EXISTS public.user_role;
