-- Issue 9 (database core v2), instructors app. Loaded by instructors/0005_v2_content_and_grading, next to the
-- RestrictColumnSelect operations that take the app role's SELECT on the secret columns away
-- (instructor_settings.payment_details / calendar_sync_token; course_lessons.video_url / article_content /
-- resource_url / quiz_questions).
--
--   app.lesson_content(uuid)               DEFINER, granted: the one way request traffic reads lesson content
--   app.strip_quiz_answers(jsonb)          a quiz definition without its answers (internal)
--   app.quiz_answer_set(jsonb)             an answer normalised for comparison (internal)
--   app.grade_quiz_answers(uuid, jsonb)    DEFINER, granted for the INVOKER guard below, refuses direct calls
--   guard_quiz_attempts_columns            new BEFORE INSERT OR UPDATE guard: attempts graded by the server
--   guard_student_progress_columns         new: quiz / assignment lessons completed only after passing / submitting
--   guard_enrollments_columns              + organization_id rules; automatic completed_at for every caller
--   guard_course_reviews_columns           automatic instructor_responded_at for every caller
--   guard_assignment_submissions_columns   automatic submitted_at / graded_at / graded_by for every caller
--   get_instructor_student_progress        contract version 2: paged (uuid, uuid, integer, integer)
--
-- Guards audited for "automatic columns skipped in system context": guard_instructor_profiles_columns and
-- guard_courses_columns only keep maintained columns and refuse restricted ones (nothing automatic), so they
-- keep their early return; the three above had automatic rules behind it and are replaced.

-- Lesson content ---------------------------------------------------------------------------------------

-- Keys that carry a quiz's answers, compared lower-case without underscores (answer, correct_answer,
-- correctAnswers, is_correct, isCorrect, ...): removed from every object at any depth, so an option list
-- ({"text": .., "is_correct": true}) loses its flags too.
CREATE FUNCTION app.strip_quiz_answers(p_doc jsonb)
RETURNS jsonb
LANGUAGE plpgsql
IMMUTABLE
SECURITY INVOKER
AS $$
BEGIN
    IF jsonb_typeof(p_doc) = 'object' THEN
        RETURN (
            SELECT COALESCE(jsonb_object_agg(e.key, app.strip_quiz_answers(e.value)), '{}'::jsonb)
            FROM jsonb_each(p_doc) e
            WHERE replace(lower(e.key), '_', '') <> ALL (ARRAY[
                'answer', 'correctanswer', 'correctanswers', 'correct', 'correctoption', 'correctoptions',
                'correctindex', 'correctindices', 'iscorrect', 'explanation', 'solution'])
        );
    ELSIF jsonb_typeof(p_doc) = 'array' THEN
        RETURN (
            SELECT COALESCE(jsonb_agg(app.strip_quiz_answers(a.value) ORDER BY a.n), '[]'::jsonb)
            FROM jsonb_array_elements(p_doc) WITH ORDINALITY a(value, n)
        );
    END IF;
    RETURN p_doc;
END;
$$;

-- The paid part of one lesson, for the caller (spec 20 course_lessons "content gating", issue 9 item 8).
-- Zero rows when the caller may not read it or the lesson does not exist (no existence oracle).
--   * platform admin, the course's instructor: everything, quiz answers included;
--   * an actively enrolled student (app.is_enrolled_in_course: not dropped, not expired; 'completed' keeps
--     access): the content, quiz answers stripped;
--   * a preview lesson: whoever sees the course (the courses SELECT policies: published; non-draft of one's
--     organization; any of one's organization for its admins), answers stripped.
-- SECURITY DEFINER because the app role has no SELECT on these columns; the caller is app.current_user_id().
CREATE FUNCTION app.lesson_content(p_lesson_id uuid)
RETURNS TABLE (
    lesson_id uuid,
    video_url text,
    article_content text,
    resource_url text,
    quiz_questions jsonb
)
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
    SELECT g.id, g.video_url, g.article_content, g.resource_url,
           CASE WHEN g.full_access THEN g.quiz_questions ELSE app.strip_quiz_answers(g.quiz_questions) END
    FROM (
        SELECT l.id, l.video_url, l.article_content, l.resource_url, l.quiz_questions, l.is_preview,
               c.status, c.organization_id, c.id AS course_id,
               (app.is_platform_admin() OR app.is_instructor_of_course(c.id)) AS full_access
        FROM public.course_lessons l
        JOIN public.course_sections s ON s.id = l.section_id
        JOIN public.courses c ON c.id = s.course_id
        WHERE l.id = p_lesson_id
    ) g
    WHERE g.full_access
       OR app.is_enrolled_in_course(g.course_id)
       OR (g.is_preview AND (
               g.status = 'published'
               OR (g.organization_id IS NOT NULL AND g.status <> 'draft' AND app.is_org_member(g.organization_id))
               OR app.is_org_admin(g.organization_id)));
$$;

-- Quiz grading -----------------------------------------------------------------------------------------

-- An answer as a sorted set of trimmed lower-case texts: 1, "1", [1] and " 1 " compare equal, numbers
-- without trailing zeros (1.0 = 1), a list compares as a set. NULL for no answer.
CREATE FUNCTION app.quiz_answer_set(p_value jsonb)
RETURNS text[]
LANGUAGE sql
IMMUTABLE
SECURITY INVOKER
AS $$
    SELECT CASE WHEN p_value IS NULL OR jsonb_typeof(p_value) = 'null' THEN NULL ELSE ARRAY(
        SELECT DISTINCT lower(btrim(CASE jsonb_typeof(a.value)
                                        WHEN 'string' THEN a.value #>> '{}'
                                        WHEN 'number' THEN trim_scale((a.value #>> '{}')::numeric)::text
                                        ELSE a.value::text END)) AS v
        FROM jsonb_array_elements(CASE jsonb_typeof(p_value) WHEN 'array' THEN p_value
                                       ELSE jsonb_build_array(p_value) END) a
        ORDER BY v) END;
$$;

-- Grades submitted answers against the lesson's quiz_questions (issue 9 item 9). Only the trigger
-- guard_quiz_attempts_columns calls it; it is SECURITY DEFINER because the app role cannot read
-- quiz_questions, and it refuses to run outside a trigger (pg_trigger_depth() = 0) so that nobody can use it
-- to try answers without recording an attempt. (This is not a trust decision: the guard makes that one.)
--
-- Questions: quiz_questions is an array of question objects (or an object whose "questions" is one).
-- A question's expected answer is the first of its keys answer, correct_answer, correct_answers,
-- correct_option(s), correct_index / correct_indices, correct (not a boolean); otherwise the 0-based indices
-- of its options (options / choices / answers) flagged is_correct or correct = true, or those options' ids.
-- A question with no expected answer (an open question) is not graded. Points: a positive "points", else 1.
-- Answers: p_quiz_data->'answers', an object keyed by question id (or 0-based position) or an array by
-- position; an answer is right when its set equals the expected set (app.quiz_answer_set).
-- passed: percentage >= quiz_passing_score; a quiz without a passing score needs every point.
-- 23514 quiz_not_gradable when the lesson has no gradable question (or does not exist).
CREATE FUNCTION app.grade_quiz_answers(p_lesson_id uuid, p_quiz_data jsonb)
RETURNS TABLE (score numeric, max_score numeric, passed boolean)
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    v_doc jsonb;
    v_passing integer;
    v_questions jsonb;
    v_answers jsonb;
    v_question jsonb;
    v_position bigint;
    v_expected jsonb;
    v_expected_ids jsonb;
    v_given text[];
    v_points numeric;
    v_score numeric := 0;
    v_max numeric := 0;
    c_keys CONSTANT text[] := ARRAY['answer', 'correctanswer', 'correctanswers', 'correctoption',
                                    'correctoptions', 'correctindex', 'correctindices', 'correct'];
BEGIN
    IF pg_trigger_depth() = 0 THEN
        RAISE EXCEPTION 'quiz attempts are graded when they are written, not on request'
            USING ERRCODE = '42501', CONSTRAINT = 'quiz_grading_internal';
    END IF;
    SELECT l.quiz_questions, l.quiz_passing_score INTO v_doc, v_passing
    FROM public.course_lessons l
    WHERE l.id = p_lesson_id;
    v_questions := CASE jsonb_typeof(v_doc)
                       WHEN 'array' THEN v_doc
                       WHEN 'object' THEN CASE WHEN jsonb_typeof(v_doc -> 'questions') = 'array'
                                               THEN v_doc -> 'questions' END
                   END;
    v_answers := p_quiz_data -> 'answers';

    FOR v_question, v_position IN
        SELECT q.value, q.n - 1 FROM jsonb_array_elements(COALESCE(v_questions, '[]'::jsonb)) WITH ORDINALITY q(value, n)
        WHERE jsonb_typeof(q.value) = 'object'
    LOOP
        SELECT e.value INTO v_expected
        FROM jsonb_each(v_question) e
        WHERE replace(lower(e.key), '_', '') = ANY (c_keys)
          AND jsonb_typeof(e.value) NOT IN ('null', 'boolean', 'object')
        ORDER BY array_position(c_keys, replace(lower(e.key), '_', ''))
        LIMIT 1;
        v_expected_ids := NULL;
        IF v_expected IS NULL THEN
            SELECT jsonb_agg(o.n - 1 ORDER BY o.n),
                   CASE WHEN bool_and(o.value ? 'id') THEN jsonb_agg(o.value -> 'id' ORDER BY o.n) END
            INTO v_expected, v_expected_ids
            FROM jsonb_each(v_question) e
            CROSS JOIN LATERAL jsonb_array_elements(e.value) WITH ORDINALITY o(value, n)
            WHERE replace(lower(e.key), '_', '') IN ('options', 'choices', 'answers')
              AND jsonb_typeof(e.value) = 'array'
              AND jsonb_typeof(o.value) = 'object'
              AND EXISTS (SELECT 1 FROM jsonb_each(o.value) f
                          WHERE replace(lower(f.key), '_', '') IN ('iscorrect', 'correct')
                            AND f.value = 'true'::jsonb);
        END IF;
        CONTINUE WHEN v_expected IS NULL;  -- an open question: not graded

        v_points := CASE WHEN jsonb_typeof(v_question -> 'points') = 'number'
                              AND (v_question ->> 'points')::numeric > 0
                         THEN (v_question ->> 'points')::numeric ELSE 1 END;
        v_max := v_max + v_points;
        v_given := app.quiz_answer_set(CASE jsonb_typeof(v_answers)
            WHEN 'object' THEN COALESCE(v_answers -> (v_question ->> 'id'), v_answers -> v_position::text)
            WHEN 'array' THEN v_answers -> v_position::integer
        END);
        IF v_given IS NOT NULL AND (v_given = app.quiz_answer_set(v_expected)
                                    OR v_given = app.quiz_answer_set(v_expected_ids)) THEN
            v_score := v_score + v_points;
        END IF;
    END LOOP;

    v_score := round(v_score, 2);
    v_max := round(v_max, 2);
    IF v_max <= 0 THEN
        RAISE EXCEPTION 'this lesson has no quiz the server can grade'
            USING ERRCODE = '23514', CONSTRAINT = 'quiz_not_gradable';
    END IF;
    RETURN QUERY SELECT v_score, v_max, round(v_score / v_max * 100, 2) >= COALESCE(v_passing, 100);
END;
$$;

-- quiz_attempts BEFORE INSERT OR UPDATE (SECURITY INVOKER: trust only through app.is_system_context()).
-- Request traffic: an INSERT is graded from its quiz_data (score, max_score, passed, completed_at := now(),
-- whatever the client sent; log_quiz_activity_trigger then logs the graded result); an UPDATE keeps the
-- grade and refuses to change the answers or what they were given for (42501 quiz_attempt_graded).
-- The system context (operators, imports, the seed) writes recorded grades as they are.
CREATE FUNCTION public.guard_quiz_attempts_columns()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
AS $$
DECLARE
    v_grade record;
BEGIN
    IF (SELECT app.is_system_context()) THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF NEW.quiz_data IS DISTINCT FROM OLD.quiz_data
           OR NEW.lesson_id IS DISTINCT FROM OLD.lesson_id
           OR NEW.course_id IS DISTINCT FROM OLD.course_id
           OR NEW.user_id IS DISTINCT FROM OLD.user_id
           OR NEW.attempt_number IS DISTINCT FROM OLD.attempt_number THEN
            RAISE EXCEPTION 'a graded quiz attempt''s answers cannot change'
                USING ERRCODE = '42501', CONSTRAINT = 'quiz_attempt_graded';
        END IF;
        NEW.score := OLD.score;
        NEW.max_score := OLD.max_score;
        NEW.passed := OLD.passed;
        NEW.completed_at := OLD.completed_at;
        RETURN NEW;
    END IF;
    IF NEW.lesson_id IS NULL THEN
        RAISE EXCEPTION 'a course-level quiz has no questions the server can grade'
            USING ERRCODE = '23514', CONSTRAINT = 'quiz_not_gradable';
    END IF;
    SELECT * INTO v_grade FROM app.grade_quiz_answers(NEW.lesson_id, NEW.quiz_data);
    NEW.score := v_grade.score;
    NEW.max_score := v_grade.max_score;
    NEW.passed := v_grade.passed;
    NEW.completed_at := now();
    RETURN NEW;
END;
$$;

CREATE TRIGGER guard_quiz_attempts_columns
    BEFORE INSERT OR UPDATE ON public.quiz_attempts
    FOR EACH ROW EXECUTE FUNCTION public.guard_quiz_attempts_columns();

-- student_progress BEFORE INSERT OR UPDATE (SECURITY INVOKER; fires before stamp_student_progress_trigger by
-- name). Spec 20's service rule, now in the database because completing every lesson completes the
-- enrollment, which a certificate relies on: in request traffic a quiz lesson becomes completed only once
-- its student has a passed attempt at it (23514 quiz_not_passed), an assignment lesson only once they have
-- submitted it (a submission that is not a draft; 23514 assignment_not_submitted). Other lesson types are
-- completed on the student's word. The reads run as the caller: a student sees their own attempts and
-- submissions, a platform admin every one. The system context (imports, the seed) is not checked.
CREATE FUNCTION public.guard_student_progress_columns()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
AS $$
DECLARE
    v_type public.lesson_type;
BEGIN
    IF (SELECT app.is_system_context()) OR NOT NEW.is_completed THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF OLD.is_completed AND NEW.lesson_id IS NOT DISTINCT FROM OLD.lesson_id
           AND NEW.user_id IS NOT DISTINCT FROM OLD.user_id THEN
            RETURN NEW;  -- already completed: nothing new is claimed
        END IF;
    END IF;
    SELECT l.content_type INTO v_type FROM public.course_lessons l WHERE l.id = NEW.lesson_id;
    IF v_type = 'quiz' AND NOT EXISTS (
        SELECT 1 FROM public.quiz_attempts q
        WHERE q.user_id = NEW.user_id AND q.lesson_id = NEW.lesson_id AND q.passed
    ) THEN
        RAISE EXCEPTION 'a quiz lesson is completed by passing its quiz'
            USING ERRCODE = '23514', CONSTRAINT = 'quiz_not_passed';
    END IF;
    IF v_type = 'assignment' AND NOT EXISTS (
        SELECT 1 FROM public.assignment_submissions s
        WHERE s.user_id = NEW.user_id AND s.lesson_id = NEW.lesson_id AND s.status <> 'draft'
    ) THEN
        RAISE EXCEPTION 'an assignment lesson is completed by submitting the assignment'
            USING ERRCODE = '23514', CONSTRAINT = 'assignment_not_submitted';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER guard_student_progress_columns
    BEFORE INSERT OR UPDATE ON public.student_progress
    FOR EACH ROW EXECUTE FUNCTION public.guard_student_progress_columns();

-- Column guards: restrictions for request traffic, automatic rules for everyone ---------------------------

-- enrollments (spec 20): as landed, plus
--   * enrolled_at, expires_at, completed_at: set by the enrollment service, the payment path or the roll-up;
--     the enrollment's own student may not change them (42501 restricted_column): clearing expires_at made
--     time-limited paid access permanent (found while fixing item 6);
--   * organization_id (issue 9 item 6): immutable except for a platform admin (42501 restricted_column), and
--     for every request caller it must be NULL or an organization the learner belongs to
--     (app.user_belongs_to_org; 42501 enrollment_outside_organization) when it is set or its row changes
--     hands: the other organization's admins would read the enrollment;
--   * completed_at := now() when status becomes 'completed' without one, for the system context too (the
--     owner completing an enrollment failed with enrollments_completed_at_check).
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
    v_tagged boolean;
BEGIN
    IF NOT (SELECT app.is_system_context()) THEN
        v_uid := (SELECT app.current_user_id());
        v_admin := (SELECT app.is_platform_admin());

        IF TG_OP = 'INSERT' THEN
            v_tagged := true;
            NEW.progress_percentage := 0;
            NEW.last_accessed_lesson_id := NULL;
            IF NEW.certificate_url IS NOT NULL AND NOT v_admin
               AND NOT app.is_instructor_of_course(NEW.course_id) THEN
                RAISE EXCEPTION 'only the course instructor or a platform admin may set enrollments.certificate_url'
                    USING ERRCODE = '42501', CONSTRAINT = 'restricted_column';
            END IF;
        ELSE
            -- a platform admin moving the row to another organization or learner: re-checked below
            v_tagged := NEW.organization_id IS DISTINCT FROM OLD.organization_id OR NEW.user_id IS DISTINCT FROM OLD.user_id;
            NEW.progress_percentage := OLD.progress_percentage;
            NEW.last_accessed_lesson_id := OLD.last_accessed_lesson_id;
            IF NOT v_admin THEN
                IF NEW.user_id IS DISTINCT FROM OLD.user_id OR NEW.course_id IS DISTINCT FROM OLD.course_id THEN
                    RAISE EXCEPTION 'only a platform admin may change enrollments.user_id or course_id'
                        USING ERRCODE = '42501', CONSTRAINT = 'restricted_column';
                END IF;
                IF NEW.organization_id IS DISTINCT FROM OLD.organization_id THEN
                    RAISE EXCEPTION 'only a platform admin may change enrollments.organization_id'
                        USING ERRCODE = '42501', CONSTRAINT = 'restricted_column';
                END IF;
                v_instructor := app.is_instructor_of_course(OLD.course_id);
                IF NOT v_instructor AND (NEW.expires_at IS DISTINCT FROM OLD.expires_at
                                         OR NEW.enrolled_at IS DISTINCT FROM OLD.enrolled_at
                                         OR NEW.completed_at IS DISTINCT FROM OLD.completed_at) THEN
                    RAISE EXCEPTION 'only the course instructor or a platform admin may change enrollments.enrolled_at, expires_at or completed_at'
                        USING ERRCODE = '42501', CONSTRAINT = 'restricted_column';
                END IF;
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
        END IF;

        IF NEW.organization_id IS NOT NULL AND v_tagged
           AND NOT app.user_belongs_to_org(NEW.user_id, NEW.organization_id) THEN
            RAISE EXCEPTION 'an enrollment can only be tagged with an organization its learner belongs to'
                USING ERRCODE = '42501', CONSTRAINT = 'enrollment_outside_organization';
        END IF;
    END IF;

    IF NEW.status = 'completed' AND NEW.completed_at IS NULL THEN
        IF TG_OP = 'INSERT' THEN
            NEW.completed_at := now();
        ELSIF NEW.status IS DISTINCT FROM OLD.status THEN
            NEW.completed_at := now();
        END IF;
    END IF;
    RETURN NEW;
END;
$$;

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

-- Contract version 2: get_instructor_student_progress paged --------------------------------------------

-- Same rows, columns and order as version 1 (spec 30 §1); p_limit NULL returns every row (the 2-argument
-- call keeps its meaning), otherwise at most LEAST(p_limit, 500) rows (<= 0: none) after skipping p_offset
-- rows (NULL or negative: 0). The order (last_accessed_at DESC NULLS LAST, enrolled_at DESC, id) is total, so
-- pages never overlap or skip a row.
-- Speed (one page of 50 for an instructor with 80k enrollments, spec 30 targets): the rows of a page that
-- lies among the instructor's (offset + limit) most recently active enrollments all have last_accessed_at >=
-- the (offset + limit)-th greatest value. That threshold comes from an index-only read of at most
-- (offset + limit) entries per course of idx_enrollments_course_access (course_id, last_accessed_at DESC);
-- the page is then read from the enrollments at or above it instead of sorting every enrollment. A page
-- that reaches into the never-active enrollments (NULL last_accessed_at) reads them all, as version 1 did.
CREATE FUNCTION public.get_instructor_student_progress(
    p_instructor_id uuid,
    p_course_id uuid DEFAULT NULL,
    p_limit integer DEFAULT NULL,
    p_offset integer DEFAULT 0
)
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
DECLARE
    v_limit integer;
    v_offset integer := GREATEST(COALESCE(p_offset, 0), 0);
    v_need bigint;
    v_found bigint := 0;
    v_since timestamptz;
BEGIN
    PERFORM public.assert_instructor_access(p_instructor_id);
    IF p_limit IS NOT NULL THEN
        v_limit := LEAST(p_limit, 500);
        IF v_limit <= 0 THEN
            RETURN;
        END IF;
        v_need := v_offset::bigint + v_limit;
        SELECT count(*), min(t.ts) INTO v_found, v_since
        FROM (
            SELECT r.ts
            FROM public.courses c
            CROSS JOIN LATERAL (
                SELECT e.last_accessed_at AS ts
                FROM public.enrollments e
                WHERE e.course_id = c.id AND e.last_accessed_at IS NOT NULL
                ORDER BY e.last_accessed_at DESC
                LIMIT v_need
            ) r
            WHERE c.instructor_id = p_instructor_id
              AND (p_course_id IS NULL OR c.id = p_course_id)
            ORDER BY r.ts DESC
            LIMIT v_need
        ) t;
    END IF;

    IF v_found >= v_need THEN
        RETURN QUERY
        SELECT u.id, u.full_name::text, u.email::text, u.avatar_url::text, p.course_id, p.title::text,
               p.progress_percentage, p.last_accessed_at, p.enrolled_at, p.status, p.id, p.completed_at
        FROM (
            SELECT e.id, e.user_id, e.course_id, c.title, e.progress_percentage, e.last_accessed_at,
                   e.enrolled_at, e.status, e.completed_at
            FROM public.courses c
            JOIN public.enrollments e ON e.course_id = c.id
            WHERE c.instructor_id = p_instructor_id
              AND (p_course_id IS NULL OR c.id = p_course_id)
              AND e.last_accessed_at >= v_since
            ORDER BY e.last_accessed_at DESC NULLS LAST, e.enrolled_at DESC, e.id ASC
            LIMIT v_limit OFFSET v_offset
        ) p
        JOIN public.users u ON u.id = p.user_id
        ORDER BY p.last_accessed_at DESC NULLS LAST, p.enrolled_at DESC, p.id ASC;
        RETURN;
    END IF;

    RETURN QUERY
    SELECT u.id, u.full_name::text, u.email::text, u.avatar_url::text, p.course_id, p.title::text,
           p.progress_percentage, p.last_accessed_at, p.enrolled_at, p.status, p.id, p.completed_at
    FROM (
        SELECT e.id, e.user_id, e.course_id, c.title, e.progress_percentage, e.last_accessed_at,
               e.enrolled_at, e.status, e.completed_at
        FROM public.courses c
        JOIN public.enrollments e ON e.course_id = c.id
        WHERE c.instructor_id = p_instructor_id
          AND (p_course_id IS NULL OR c.id = p_course_id)
        ORDER BY e.last_accessed_at DESC NULLS LAST, e.enrolled_at DESC, e.id ASC
        LIMIT v_limit OFFSET v_offset
    ) p
    JOIN public.users u ON u.id = p.user_id
    ORDER BY p.last_accessed_at DESC NULLS LAST, p.enrolled_at DESC, p.id ASC;
END;
$$;

-- Version 1's 2-argument function would make every 1- and 2-argument call ambiguous: the new one replaces it.
DROP FUNCTION public.get_instructor_student_progress(uuid, uuid);

-- Grants ------------------------------------------------------------------------------------------------

REVOKE EXECUTE ON FUNCTION app.strip_quiz_answers(jsonb) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION app.lesson_content(uuid) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION app.quiz_answer_set(jsonb) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION app.grade_quiz_answers(uuid, jsonb) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.guard_quiz_attempts_columns() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.guard_student_progress_columns() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.get_instructor_student_progress(uuid, uuid, integer, integer) FROM PUBLIC;

GRANT EXECUTE ON FUNCTION app.lesson_content(uuid) TO humanglue_app;
-- Called by the INVOKER guard under the app role (a function called from a trigger is checked at call time).
GRANT EXECUTE ON FUNCTION app.grade_quiz_answers(uuid, jsonb) TO humanglue_app;
GRANT EXECUTE ON FUNCTION public.get_instructor_student_progress(uuid, uuid, integer, integer) TO humanglue_app;
