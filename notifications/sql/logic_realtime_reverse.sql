-- Reverse of logic_realtime.sql: the seven realtime_notify_<table> triggers, then their function.
DROP TRIGGER IF EXISTS realtime_notify_payments ON public.payments;
DROP TRIGGER IF EXISTS realtime_notify_student_presence ON public.student_presence;
DROP TRIGGER IF EXISTS realtime_notify_course_reviews ON public.course_reviews;
DROP TRIGGER IF EXISTS realtime_notify_student_activity ON public.student_activity;
DROP TRIGGER IF EXISTS realtime_notify_workshop_registrations ON public.workshop_registrations;
DROP TRIGGER IF EXISTS realtime_notify_enrollments ON public.enrollments;
DROP TRIGGER IF EXISTS realtime_notify_notifications ON public.notifications;

DROP FUNCTION IF EXISTS public.realtime_notify_change();
