-- Reverse of 0005_v2_content_and_grading.sql: the landed definitions (rls_guards.sql, logic_functions.sql)
-- come back verbatim; the new objects go.

DROP TRIGGER IF EXISTS guard_student_progress_columns ON public.student_progress;
DROP FUNCTION IF EXISTS public.guard_student_progress_columns();
DROP TRIGGER IF EXISTS guard_quiz_attempts_columns ON public.quiz_attempts;
DROP FUNCTION IF EXISTS public.guard_quiz_attempts_columns();
DROP FUNCTION IF EXISTS app.grade_quiz_answers(uuid, jsonb);
DROP FUNCTION IF EXISTS app.quiz_answer_set(jsonb);
DROP FUNCTION IF EXISTS app.lesson_content(uuid);
DROP FUNCTION IF EXISTS app.strip_quiz_answers(jsonb);

-- get_instructor_student_progress: back to contract version 1 (logic_functions.sql).
DROP FUNCTION IF EXISTS public.get_instructor_student_progress(uuid, uuid, integer, integer);
CREATE FUNCTION public.get_instructor_student_progress(p_instructor_id uuid, p_course_id uuid DEFAULT NULL)
RETURNS TABLE (
    student_id uuid,
    student_name text,
    student_email text,
    student_avatar text,
    course_id uuid,
    course_title text,
    progress_percentage integer,
    last_activity_at timestamptz,
    enrollment_date timestamptz,
    status public.enrollment_status,
    enrollment_id uuid,
    completed_at timestamptz
)
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    PERFORM public.assert_instructor_access(p_instructor_id);
    RETURN QUERY
    SELECT u.id,
           u.full_name::text,
           u.email::text,
           u.avatar_url::text,
           c.id,
           c.title::text,
           e.progress_percentage,
           e.last_accessed_at,
           e.enrolled_at,
           e.status,
           e.id,
           e.completed_at
    FROM public.enrollments e
    JOIN public.courses c ON c.id = e.course_id
    JOIN public.users u ON u.id = e.user_id
    WHERE c.instructor_id = p_instructor_id
      AND (p_course_id IS NULL OR e.course_id = p_course_id)
    ORDER BY e.last_accessed_at DESC NULLS LAST, e.enrolled_at DESC, e.id ASC;
END;
$$;
REVOKE EXECUTE ON FUNCTION public.get_instructor_student_progress(uuid, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.get_instructor_student_progress(uuid, uuid) TO humanglue_app;

-- The three guards as landed (rls_guards.sql); their triggers and grants are unchanged by the forward file.
CREATE OR REPLACE FUNCTION public.guard_enrollments_columns()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
AS $$
DECLARE
    v_uid uuid;
    v_admin boolean;
    v_instructor boolean;
BEGIN
    IF (SELECT app.is_system_context()) THEN
        RETURN NEW;
    END IF;
    v_uid := (SELECT app.current_user_id());
    v_admin := (SELECT app.is_platform_admin());

    IF TG_OP = 'INSERT' THEN
        NEW.progress_percentage := 0;
        NEW.last_accessed_lesson_id := NULL;
        IF NEW.certificate_url IS NOT NULL AND NOT v_admin
           AND NOT app.is_instructor_of_course(NEW.course_id) THEN
            RAISE EXCEPTION 'only the course instructor or a platform admin may set enrollments.certificate_url'
                USING ERRCODE = '42501', CONSTRAINT = 'restricted_column';
        END IF;
        IF NEW.status = 'completed' AND NEW.completed_at IS NULL THEN
            NEW.completed_at := now();
        END IF;
        RETURN NEW;
    END IF;

    NEW.progress_percentage := OLD.progress_percentage;
    NEW.last_accessed_lesson_id := OLD.last_accessed_lesson_id;
    IF NOT v_admin THEN
        IF NEW.user_id IS DISTINCT FROM OLD.user_id OR NEW.course_id IS DISTINCT FROM OLD.course_id THEN
            RAISE EXCEPTION 'only a platform admin may change enrollments.user_id or course_id'
                USING ERRCODE = '42501', CONSTRAINT = 'restricted_column';
        END IF;
        v_instructor := app.is_instructor_of_course(OLD.course_id);
        IF NEW.certificate_url IS DISTINCT FROM OLD.certificate_url AND NOT v_instructor THEN
            RAISE EXCEPTION 'only the course instructor or a platform admin may change enrollments.certificate_url'
                USING ERRCODE = '42501', CONSTRAINT = 'restricted_column';
        END IF;
        IF OLD.status = 'dropped' AND NEW.status IS DISTINCT FROM 'dropped'
           AND OLD.user_id = v_uid AND NOT v_instructor
           AND NOT EXISTS (
               SELECT 1 FROM public.courses c
               WHERE c.id = OLD.course_id AND c.status = 'published' AND c.price_amount = 0
           ) THEN
            RAISE EXCEPTION 'a dropped enrollment in a paid or unpublished course is re-activated only by its payment'
                USING ERRCODE = '42501', CONSTRAINT = 'enrollment_reactivation_forbidden';
        END IF;
    END IF;
    IF NEW.status = 'completed' AND NEW.status IS DISTINCT FROM OLD.status AND NEW.completed_at IS NULL THEN
        NEW.completed_at := now();
    END IF;
    RETURN NEW;
END;
$$;

CREATE OR REPLACE FUNCTION public.guard_course_reviews_columns()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
AS $$
DECLARE
    v_uid uuid;
    v_admin boolean;
BEGIN
    IF (SELECT app.is_system_context()) THEN
        RETURN NEW;
    END IF;
    v_uid := (SELECT app.current_user_id());
    v_admin := (SELECT app.is_platform_admin());

    IF TG_OP = 'INSERT' THEN
        NEW.helpful_count := 0;
        IF NOT v_admin THEN
            IF NEW.is_published IS DISTINCT FROM true THEN
                RAISE EXCEPTION 'only a platform admin may set course_reviews.is_published'
                    USING ERRCODE = '42501', CONSTRAINT = 'restricted_column';
            END IF;
            IF NEW.instructor_response IS NOT NULL AND NOT app.is_instructor_of_course(NEW.course_id) THEN
                RAISE EXCEPTION 'only the course instructor or a platform admin may set course_reviews.instructor_response'
                    USING ERRCODE = '42501', CONSTRAINT = 'restricted_column';
            END IF;
            IF NEW.user_id IS DISTINCT FROM v_uid THEN
                RAISE EXCEPTION 'only the author or a platform admin may write a review''s rating and text'
                    USING ERRCODE = '42501', CONSTRAINT = 'restricted_column';
            END IF;
        END IF;
        NEW.instructor_responded_at := CASE WHEN NEW.instructor_response IS NOT NULL THEN now() END;
        RETURN NEW;
    END IF;

    NEW.helpful_count := OLD.helpful_count;
    IF NOT v_admin THEN
        IF NEW.user_id IS DISTINCT FROM OLD.user_id OR NEW.course_id IS DISTINCT FROM OLD.course_id
           OR NEW.enrollment_id IS DISTINCT FROM OLD.enrollment_id THEN
            RAISE EXCEPTION 'only a platform admin may change course_reviews.user_id, course_id or enrollment_id'
                USING ERRCODE = '42501', CONSTRAINT = 'restricted_column';
        END IF;
        IF NEW.is_published IS DISTINCT FROM OLD.is_published THEN
            RAISE EXCEPTION 'only a platform admin may change course_reviews.is_published'
                USING ERRCODE = '42501', CONSTRAINT = 'restricted_column';
        END IF;
        IF NEW.instructor_response IS DISTINCT FROM OLD.instructor_response
           AND NOT app.is_instructor_of_course(OLD.course_id) THEN
            RAISE EXCEPTION 'only the course instructor or a platform admin may change course_reviews.instructor_response'
                USING ERRCODE = '42501', CONSTRAINT = 'restricted_column';
        END IF;
        IF (NEW.rating IS DISTINCT FROM OLD.rating
            OR NEW.title IS DISTINCT FROM OLD.title
            OR NEW.review_text IS DISTINCT FROM OLD.review_text
            OR NEW.content_quality_rating IS DISTINCT FROM OLD.content_quality_rating
            OR NEW.instructor_rating IS DISTINCT FROM OLD.instructor_rating
            OR NEW.value_rating IS DISTINCT FROM OLD.value_rating)
           AND OLD.user_id IS DISTINCT FROM v_uid THEN
            RAISE EXCEPTION 'only the author or a platform admin may change a review''s rating and text'
                USING ERRCODE = '42501', CONSTRAINT = 'restricted_column';
        END IF;
    END IF;
    IF NEW.instructor_response IS DISTINCT FROM OLD.instructor_response THEN
        NEW.instructor_responded_at := now();
    ELSE
        NEW.instructor_responded_at := OLD.instructor_responded_at;
    END IF;
    RETURN NEW;
END;
$$;

CREATE OR REPLACE FUNCTION public.guard_assignment_submissions_columns()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
AS $$
DECLARE
    v_uid uuid;
    v_admin boolean;
    v_grader boolean;
    v_submitter boolean;
BEGIN
    IF (SELECT app.is_system_context()) THEN
        RETURN NEW;
    END IF;
    v_uid := (SELECT app.current_user_id());
    v_admin := (SELECT app.is_platform_admin());

    IF TG_OP = 'INSERT' THEN
        v_grader := v_admin OR app.is_instructor_of_course(NEW.course_id);
        v_submitter := v_admin OR NEW.user_id IS NOT DISTINCT FROM v_uid;
        IF NOT v_submitter AND (NEW.submission_text IS NOT NULL OR NEW.submission_url IS NOT NULL
                                OR NEW.attachments IS DISTINCT FROM '[]'::jsonb) THEN
            RAISE EXCEPTION 'only the submitter or a platform admin may write the submitted work'
                USING ERRCODE = '42501', CONSTRAINT = 'restricted_column';
        END IF;
        IF NOT v_grader AND (NEW.feedback IS NOT NULL OR NEW.grade IS NOT NULL) THEN
            RAISE EXCEPTION 'only the course instructor or a platform admin may write feedback and grade'
                USING ERRCODE = '42501', CONSTRAINT = 'restricted_column';
        END IF;
        IF v_grader AND (NEW.grade IS NOT NULL OR NEW.status = 'graded') THEN
            NEW.graded_by := v_uid;
            NEW.graded_at := now();
        ELSE
            NEW.graded_by := NULL;
            NEW.graded_at := NULL;
        END IF;
        RETURN NEW;
    END IF;

    v_grader := v_admin OR app.is_instructor_of_course(OLD.course_id);
    v_submitter := v_admin OR OLD.user_id IS NOT DISTINCT FROM v_uid;
    IF NOT v_submitter AND (NEW.submission_text IS DISTINCT FROM OLD.submission_text
                            OR NEW.submission_url IS DISTINCT FROM OLD.submission_url
                            OR NEW.attachments IS DISTINCT FROM OLD.attachments) THEN
        RAISE EXCEPTION 'only the submitter or a platform admin may change the submitted work'
            USING ERRCODE = '42501', CONSTRAINT = 'restricted_column';
    END IF;
    IF NOT v_grader AND (NEW.feedback IS DISTINCT FROM OLD.feedback OR NEW.grade IS DISTINCT FROM OLD.grade) THEN
        RAISE EXCEPTION 'only the course instructor or a platform admin may change feedback and grade'
            USING ERRCODE = '42501', CONSTRAINT = 'restricted_column';
    END IF;
    IF v_grader AND (NEW.grade IS DISTINCT FROM OLD.grade
                     OR (NEW.status = 'graded' AND OLD.status IS DISTINCT FROM 'graded')) THEN
        NEW.graded_by := v_uid;
        NEW.graded_at := now();
    ELSE
        NEW.graded_by := OLD.graded_by;
        NEW.graded_at := OLD.graded_at;
    END IF;
    IF OLD.status = 'draft' AND NEW.status IN ('submitted', 'resubmitted') THEN
        NEW.submitted_at := now();
    END IF;
    RETURN NEW;
END;
$$;
