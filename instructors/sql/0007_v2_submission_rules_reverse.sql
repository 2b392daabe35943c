-- Reverse of 0007_v2_submission_rules.sql: guard_course_reviews_columns and
-- guard_assignment_submissions_columns as instructors/0005_v2_content_and_grading.sql left them (verbatim).

-- course_reviews (spec 20): as landed for request traffic; the system context now gets the automatic
-- instructor_responded_at as well: stamped when instructor_response changes, unless the writer sets the
-- stamp itself (an import's own date).
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
        IF TG_OP = 'INSERT' THEN
            IF NEW.instructor_response IS NOT NULL AND NEW.instructor_responded_at IS NULL THEN
                NEW.instructor_responded_at := now();
            END IF;
        ELSIF NEW.instructor_response IS DISTINCT FROM OLD.instructor_response
              AND NEW.instructor_responded_at IS NOT DISTINCT FROM OLD.instructor_responded_at THEN
            NEW.instructor_responded_at := now();
        END IF;
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

-- assignment_submissions (spec 20): as landed for request traffic; the system context now gets the automatic
-- stamps as well, each unless the writer set that column itself (imports, the seed's grader):
-- submitted_at := now() when a draft moves to 'submitted' or 'resubmitted'; graded_at := now() and
-- graded_by := the caller (when there is one) when the grade changes or the status becomes 'graded'.
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
    v_uid := (SELECT app.current_user_id());
    IF (SELECT app.is_system_context()) THEN
        IF TG_OP = 'INSERT' THEN
            IF (NEW.grade IS NOT NULL OR NEW.status = 'graded') AND NEW.graded_at IS NULL THEN
                NEW.graded_at := now();
                NEW.graded_by := COALESCE(NEW.graded_by, v_uid);
            END IF;
            RETURN NEW;
        END IF;
        IF NEW.grade IS DISTINCT FROM OLD.grade OR (NEW.status = 'graded' AND OLD.status IS DISTINCT FROM 'graded') THEN
            IF NEW.graded_at IS NOT DISTINCT FROM OLD.graded_at THEN
                NEW.graded_at := now();
            END IF;
            IF NEW.graded_by IS NOT DISTINCT FROM OLD.graded_by AND v_uid IS NOT NULL THEN
                NEW.graded_by := v_uid;
            END IF;
        END IF;
        IF OLD.status = 'draft' AND NEW.status IN ('submitted', 'resubmitted')
           AND NEW.submitted_at IS NOT DISTINCT FROM OLD.submitted_at THEN
            NEW.submitted_at := now();
        END IF;
        RETURN NEW;
    END IF;
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
