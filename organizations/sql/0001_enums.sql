-- The 16 enum types of the contract (spec 10 §1), exact values in declaration order.

CREATE TYPE public.user_role AS ENUM ('admin', 'org_admin', 'team_lead', 'member');
CREATE TYPE public.assessment_status AS ENUM ('not_started', 'in_progress', 'completed', 'archived');
CREATE TYPE public.enrollment_status AS ENUM ('enrolled', 'in_progress', 'completed', 'dropped');
CREATE TYPE public.workshop_status AS ENUM ('draft', 'published', 'in_progress', 'completed', 'cancelled');
CREATE TYPE public.registration_status AS ENUM ('registered', 'waitlisted', 'attended', 'cancelled', 'no_show');
CREATE TYPE public.consultation_status AS ENUM ('requested', 'scheduled', 'completed', 'cancelled');
CREATE TYPE public.payment_status AS ENUM ('pending', 'completed', 'failed', 'refunded');
CREATE TYPE public.content_type AS ENUM ('video', 'article', 'quiz', 'assignment', 'resource');
CREATE TYPE public.ai_pillar AS ENUM ('adaptability', 'coaching', 'marketplace');
CREATE TYPE public.course_status AS ENUM ('draft', 'published', 'archived');
CREATE TYPE public.course_difficulty AS ENUM ('beginner', 'intermediate', 'advanced');
CREATE TYPE public.lesson_type AS ENUM ('video', 'article', 'quiz', 'assignment', 'live_session');
CREATE TYPE public.workshop_type AS ENUM ('online', 'in_person', 'hybrid');
CREATE TYPE public.activity_type AS ENUM ('enrolled', 'lesson_started', 'lesson_completed', 'quiz_passed', 'quiz_failed', 'assignment_submitted', 'course_completed', 'workshop_registered', 'workshop_attended', 'certificate_earned', 'comment_posted', 'question_asked');
CREATE TYPE public.transaction_type AS ENUM ('course_enrollment', 'workshop_registration', 'consultation', 'refund');
CREATE TYPE public.payout_schedule AS ENUM ('weekly', 'biweekly', 'monthly');
