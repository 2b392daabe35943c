-- The three views of the notifications app (spec 40, "Views"). All WITH (security_invoker = true)
-- (PostgreSQL 15+): the caller's RLS applies to every table they read, unlike the originals, which ran
-- with the owner's rights. Read-only by contract: the app role gets SELECT only.

-- One row per user with at least one unread, unexpired notification; under RLS only the caller's own
-- row (a platform admin: all).
CREATE VIEW public.user_unread_notifications
WITH (security_invoker = true) AS
SELECT
    n.user_id,
    count(*) AS unread_count,
    max(n.created_at) AS latest_notification_at
FROM public.notifications n
WHERE n.read_at IS NULL
  AND (n.expires_at IS NULL OR n.expires_at > now())
GROUP BY n.user_id;

-- One row per student_activity row the caller may read, enriched for display. Course and workshop
-- activity alike (left joins); names are NULL where the caller may not read the users row.
CREATE VIEW public.instructor_recent_activity
WITH (security_invoker = true) AS
SELECT
    sa.id,
    sa.student_id,
    sa.instructor_id,
    sa.course_id,
    sa.workshop_id,
    sa.lesson_id,
    sa.activity_type,
    sa.activity_title,
    sa.activity_description,
    sa.metadata,
    sa.occurred_at,
    sa.created_at,
    u.full_name AS student_name,
    u.avatar_url AS student_avatar,
    c.title AS course_title,
    w.title AS workshop_title
FROM public.student_activity sa
LEFT JOIN public.users u ON u.id = sa.student_id
LEFT JOIN public.courses c ON c.id = sa.course_id
LEFT JOIN public.workshops w ON w.id = sa.workshop_id
ORDER BY sa.occurred_at DESC, sa.id DESC;

-- One row per course the caller instructs, administers through its organization, or any course for a
-- platform admin. Each figure is its own aggregate (no enrollments x reviews x presence fan-out).
CREATE VIEW public.live_course_stats
WITH (security_invoker = true) AS
SELECT
    c.id AS course_id,
    c.instructor_id,
    (SELECT count(*) FROM public.enrollments e WHERE e.course_id = c.id) AS total_enrollments,
    (SELECT count(*) FROM public.enrollments e
     WHERE e.course_id = c.id AND e.status = 'completed') AS completed_count,
    r.average_rating,
    r.review_count,
    (SELECT count(DISTINCT p.user_id) FROM public.student_presence p
     WHERE p.course_id = c.id
       AND p.status = 'online'
       AND p.last_seen_at >= now() - interval '5 minutes'
       AND p.user_id IS DISTINCT FROM c.instructor_id) AS online_students
FROM public.courses c
CROSS JOIN LATERAL (
    SELECT round(avg(cr.rating), 2)::numeric(3,2) AS average_rating,
           count(*) AS review_count
    FROM public.course_reviews cr
    WHERE cr.course_id = c.id AND cr.is_published
) r
WHERE c.instructor_id = (SELECT app.current_user_id())
   OR (SELECT app.is_platform_admin())
   OR app.is_org_admin(c.organization_id);

GRANT SELECT ON public.user_unread_notifications TO humanglue_app;
GRANT SELECT ON public.instructor_recent_activity TO humanglue_app;
GRANT SELECT ON public.live_course_stats TO humanglue_app;
