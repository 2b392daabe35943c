-- Issue 9 (database core v2), instructors app: holes the write matrix found (tests/integration/test_write_matrix.py).
-- Loaded by instructors/0007_v2_submission_rules. Both guards stay SECURITY INVOKER and decide trust only with
-- (SELECT app.is_system_context()); their system-context branches are unchanged from 0005.
--
--   guard_assignment_submissions_columns
--     * user_id, course_id, lesson_id immutable for every request caller (23514 immutable_column). The UPDATE
--       policies do not re-check what assignment_submissions_insert_own checks (enrolled in the course, the
--       lesson of that course): a student moved a submission to another course or lesson, another
--       organization's included, and the course instructor handed a graded submission to another student.
--     * submitted_at is the server's (spec 20: "when a student moves a draft to 'submitted' or 'resubmitted',
--       submitted_at := now()"): a request INSERT gets now() (NULL for a draft, which is not submitted yet),
--       a request UPDATE keeps OLD.submitted_at unless a draft is being submitted. Writing it back-dated work.
--   guard_course_reviews_columns
--     * a caller who is neither the author nor a platform admin (the course instructor, through
--       course_reviews_update_instructor) changes only the reply: spec 20 "Only the reply can change, because
--       of the guard"; metadata and created_at were open (42501 restricted_column).

CREATE OR REPLACE FUNCTION public.guard_course_reviews_columns()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
AS $$
DECLARE
    v_uid uuid;
    v_admin boolean;
    -- what a reply changes: the reply, its automatic stamp, and the columns other triggers own
    c_reply CONSTANT text[] := ARRAY['instructor_response', 'instructor_responded_at', 'helpful_count', 'updated_at'];
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
        -- Not the author: every other column is the author's (or a moderator's). Compared as a whole row, so a
        -- column added later is closed until it is named above.
        IF OLD.user_id IS DISTINCT FROM v_uid
           AND (to_jsonb(NEW) - c_reply) IS DISTINCT FROM (to_jsonb(OLD) - c_reply) THEN
            RAISE EXCEPTION 'the course instructor may change only course_reviews.instructor_response'
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
        -- The server's clock, not the client's: a draft is not submitted yet.
        NEW.submitted_at := CASE WHEN NEW.status = 'draft' THEN NULL ELSE now() END;
        RETURN NEW;
    END IF;

    -- What was submitted, by whom, for which course and lesson: fixed once written. The UPDATE policies do
    -- not repeat assignment_submissions_insert_own's checks, so a move would skip them.
    IF NEW.user_id IS DISTINCT FROM OLD.user_id OR NEW.course_id IS DISTINCT FROM OLD.course_id
       OR NEW.lesson_id IS DISTINCT FROM OLD.lesson_id THEN
        RAISE EXCEPTION 'assignment_submissions.user_id, course_id and lesson_id cannot be changed'
            USING ERRCODE = '23514', CONSTRAINT = 'immutable_column';
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
    ELSE
        NEW.submitted_at := OLD.submitted_at;  -- automatic: a request's value is not taken
    END IF;
    RETURN NEW;
END;
$$;

REVOKE EXECUTE ON FUNCTION public.guard_course_reviews_columns() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.guard_assignment_submissions_columns() FROM PUBLIC;
