-- The five views of the instructors app (spec 30 §3; spec 20 "View: course_enrollments" and
-- "View: lesson_progress"). Loaded by instructors/0003_logic.
--
-- Every view is WITH (security_invoker = true), so the RLS of the underlying tables applies to the caller,
-- and read-only by contract (SELECT grant only, no INSTEAD OF triggers). The three analytics views add an
-- explicit row filter, because published courses and workshops are readable by everyone and RLS alone
-- would expose every published item's figures. Argument-free helpers are wrapped in (SELECT ...) so they
-- run once per statement (conventions §11).

-- §3.1 one row per course the caller may analyse: its instructor, a platform admin, or an admin of the
-- course's organization.
CREATE VIEW public.instructor_course_performance WITH (security_invoker = true) AS
SELECT c.id AS course_id,
       c.instructor_id,
       c.title AS course_title,
       c.status,
       c.enrolled_count,
       c.completed_count,
       c.average_rating,
       c.review_count,
       c.total_revenue,
       (CASE WHEN c.enrolled_count = 0 THEN 0
             ELSE round(c.completed_count * 100.0 / c.enrolled_count, 2) END)::numeric(5,2) AS completion_rate,
       (SELECT count(DISTINCT e.user_id)
        FROM public.enrollments e
        WHERE e.course_id = c.id
          AND e.last_accessed_at > now() - interval '7 days') AS active_students_last_7_days,
       c.created_at,
       c.published_at
FROM public.courses c
WHERE c.instructor_id = (SELECT app.current_user_id())
   OR (SELECT app.is_platform_admin())
   OR (c.organization_id IS NOT NULL AND app.is_org_admin(c.organization_id));

-- §3.2 one row per workshop the caller may analyse (same filter on the workshop).
CREATE VIEW public.instructor_workshop_performance WITH (security_invoker = true) AS
SELECT w.id AS workshop_id,
       w.instructor_id,
       w.title AS workshop_title,
       w.status,
       w.start_time,
       w.end_time,
       w.enrolled_count,
       w.attended_count,
       w.capacity_total,
       w.average_satisfaction,
       w.feedback_count,
       w.total_revenue,
       (CASE WHEN w.enrolled_count = 0 THEN 0
             ELSE round(w.attended_count * 100.0 / w.enrolled_count, 2) END)::numeric(5,2) AS attendance_rate,
       (CASE WHEN COALESCE(w.capacity_total, 0) = 0 THEN NULL
             ELSE round((w.capacity_total - w.capacity_remaining) * 100.0 / w.capacity_total, 2)
        END)::numeric(5,2) AS capacity_filled_percentage,
       w.created_at
FROM public.workshops w
WHERE w.instructor_id = (SELECT app.current_user_id())
   OR (SELECT app.is_platform_admin())
   OR (w.organization_id IS NOT NULL AND app.is_org_admin(w.organization_id));

-- §3.3 one row per (instructor, student): the student's engagement with that instructor's courses.
-- engagement_score = round((avg_progress + completion_rate + activity_score) / 3, 2) with
-- completion_rate = completed enrollments × 100 / total_courses and
-- activity_score = LEAST(lessons completed in the last 30 days, 5) × 20.
CREATE VIEW public.student_engagement_summary WITH (security_invoker = true) AS
SELECT g.instructor_id,
       g.user_id,
       u.full_name,
       u.email,
       u.avatar_url,
       g.total_courses,
       g.avg_progress,
       g.total_watch_time,
       g.last_activity,
       g.total_lessons_completed,
       (SELECT count(*)
        FROM public.student_activity a
        WHERE a.instructor_id = g.instructor_id
          AND a.student_id = g.user_id
          AND a.activity_type = 'comment_posted') AS total_comments,
       (SELECT count(*)
        FROM public.student_activity a
        WHERE a.instructor_id = g.instructor_id
          AND a.student_id = g.user_id
          AND a.activity_type = 'question_asked') AS total_questions,
       round((g.avg_progress
              + g.completed_courses * 100.0 / g.total_courses
              + LEAST(g.recent_lessons_completed, 5) * 20) / 3, 2)::numeric(5,2) AS engagement_score
FROM (
    SELECT c.instructor_id,
           e.user_id,
           count(*) AS total_courses,
           count(*) FILTER (WHERE e.status = 'completed') AS completed_courses,
           round(avg(e.progress_percentage), 2)::numeric(5,2) AS avg_progress,
           COALESCE(sum(p.watch_time), 0)::bigint AS total_watch_time,
           max(e.last_accessed_at) AS last_activity,
           COALESCE(sum(p.lessons_completed), 0)::bigint AS total_lessons_completed,
           COALESCE(sum(p.recent_lessons_completed), 0)::bigint AS recent_lessons_completed
    FROM public.enrollments e
    JOIN public.courses c ON c.id = e.course_id
    LEFT JOIN LATERAL (
        SELECT sum(sp.time_spent_seconds) AS watch_time,
               count(*) FILTER (WHERE sp.is_completed) AS lessons_completed,
               count(*) FILTER (WHERE sp.is_completed AND sp.completed_at > now() - interval '30 days')
                   AS recent_lessons_completed
        FROM public.student_progress sp
        WHERE sp.enrollment_id = e.id
    ) p ON true
    WHERE c.instructor_id IS NOT NULL
    GROUP BY c.instructor_id, e.user_id
) g
JOIN public.users u ON u.id = g.user_id
WHERE g.instructor_id = (SELECT app.current_user_id())
   OR g.user_id = (SELECT app.current_user_id())
   OR (SELECT app.is_platform_admin());

-- Compatibility view (spec 20): enrollments under its old name, plus completion_percentage.
CREATE VIEW public.course_enrollments WITH (security_invoker = true) AS
SELECT e.id,
       e.organization_id,
       e.user_id,
       e.course_id,
       e.status,
       e.progress_percentage,
       e.last_accessed_lesson_id,
       e.last_accessed_at,
       e.enrolled_at,
       e.completed_at,
       e.expires_at,
       e.certificate_url,
       e.metadata,
       e.created_at,
       e.updated_at,
       e.progress_percentage AS completion_percentage
FROM public.enrollments e;

-- Compatibility view (spec 20): per-lesson student_progress under its old name, with 006's names and the
-- lesson's title, type and section (NULL when the caller cannot see the lesson).
CREATE VIEW public.lesson_progress WITH (security_invoker = true) AS
SELECT sp.id,
       sp.enrollment_id,
       sp.user_id,
       sp.course_id,
       sp.lesson_id,
       sp.is_completed,
       sp.completion_percentage,
       sp.time_spent_seconds,
       sp.last_position_seconds,
       sp.last_accessed_at,
       sp.completed_at,
       sp.metadata,
       sp.created_at,
       sp.updated_at,
       sp.is_completed AS completed,
       sp.last_position_seconds AS last_position,
       l.title,
       l.content_type,
       l.section_id
FROM public.student_progress sp
LEFT JOIN public.course_lessons l ON l.id = sp.lesson_id;

GRANT SELECT ON public.instructor_course_performance TO humanglue_app;
GRANT SELECT ON public.instructor_workshop_performance TO humanglue_app;
GRANT SELECT ON public.student_engagement_summary TO humanglue_app;
GRANT SELECT ON public.course_enrollments TO humanglue_app;
GRANT SELECT ON public.lesson_progress TO humanglue_app;
