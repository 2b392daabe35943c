-- Column guards of the instructors app (spec 20 §0 "Column guards", per-table trigger lists;
-- conventions §2). Each is a BEFORE INSERT OR UPDATE row trigger whose function is SECURITY INVOKER and
-- decides trust with (SELECT app.is_system_context()) only:
--   * system context (owner connection, SECURITY DEFINER trigger chains, FK cascades): untouched;
--   * otherwise maintained columns are silently kept (OLD on UPDATE, column default on INSERT), and a
--     restricted column changed by a caller who may not change it raises 42501 with reason
--     'restricted_column' ("changed" = IS DISTINCT FROM OLD; on INSERT, distinct from the default).
-- Trigger names sort before the business triggers that must run after them (init_instructor_stats_trigger).

-- instructor_profiles: maintained total_students, total_courses, total_workshops, average_rating,
-- total_reviews; restricted is_verified, is_featured (platform admin); user_id immutable except for a
-- platform admin.
CREATE OR REPLACE FUNCTION public.guard_instructor_profiles_columns()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
AS $$
DECLARE
    v_admin boolean;
BEGIN
    IF (SELECT app.is_system_context()) THEN
        RETURN NEW;
    END IF;
    v_admin := (SELECT app.is_platform_admin());

    IF TG_OP = 'INSERT' THEN
        NEW.total_students := 0;
        NEW.total_courses := 0;
        NEW.total_workshops := 0;
        NEW.average_rating := NULL;
        NEW.total_reviews := 0;
        IF NOT v_admin AND (NEW.is_verified IS DISTINCT FROM false OR NEW.is_featured IS DISTINCT FROM false) THEN
            RAISE EXCEPTION 'only a platform admin may set instructor_profiles.is_verified or is_featured'
                USING ERRCODE = '42501', CONSTRAINT = 'restricted_column';
        END IF;
        RETURN NEW;
    END IF;

    NEW.total_students := OLD.total_students;
    NEW.total_courses := OLD.total_courses;
    NEW.total_workshops := OLD.total_workshops;
    NEW.average_rating := OLD.average_rating;
    NEW.total_reviews := OLD.total_reviews;
    IF NOT v_admin THEN
        IF NEW.is_verified IS DISTINCT FROM OLD.is_verified OR NEW.is_featured IS DISTINCT FROM OLD.is_featured THEN
            RAISE EXCEPTION 'only a platform admin may change instructor_profiles.is_verified or is_featured'
                USING ERRCODE = '42501', CONSTRAINT = 'restricted_column';
        END IF;
        IF NEW.user_id IS DISTINCT FROM OLD.user_id THEN
            RAISE EXCEPTION 'only a platform admin may change instructor_profiles.user_id'
                USING ERRCODE = '42501', CONSTRAINT = 'restricted_column';
        END IF;
    END IF;
    RETURN NEW;
END;
$$;

-- courses: maintained enrolled_count, completed_count, average_rating, review_count, total_revenue.
CREATE OR REPLACE FUNCTION public.guard_courses_columns()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
AS $$
BEGIN
    IF (SELECT app.is_system_context()) THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'INSERT' THEN
        NEW.enrolled_count := 0;
        NEW.completed_count := 0;
        NEW.average_rating := NULL;
        NEW.review_count := 0;
        NEW.total_revenue := 0;
    ELSE
        NEW.enrolled_count := OLD.enrolled_count;
        NEW.completed_count := OLD.completed_count;
        NEW.average_rating := OLD.average_rating;
        NEW.review_count := OLD.review_count;
        NEW.total_revenue := OLD.total_revenue;
    END IF;
    RETURN NEW;
END;
$$;

-- enrollments: maintained progress_percentage, last_accessed_lesson_id; restricted certificate_url
-- (course instructor or platform admin); user_id and course_id immutable except for a platform admin;
-- the enrollment's own student may move status out of 'dropped' only for a published free course
-- (conventions §8); completed_at := now() when status becomes 'completed' without one.
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

-- course_reviews: maintained helpful_count; restricted instructor_response (course instructor or
-- platform admin), rating / title / review_text / the three sub-ratings (author or platform admin),
-- is_published (platform admin); user_id, course_id, enrollment_id immutable except for a platform
-- admin; instructor_responded_at := now() when instructor_response changes (otherwise kept).
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

-- assignment_submissions: restricted submission_text / submission_url / attachments (submitter or
-- platform admin) and feedback / grade (course instructor or platform admin). Automatic: when the
-- course instructor or a platform admin changes grade or moves status to 'graded', graded_by := uid and
-- graded_at := now() (otherwise both are kept); when a draft moves to 'submitted' or 'resubmitted',
-- submitted_at := now().
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

REVOKE EXECUTE ON FUNCTION public.guard_instructor_profiles_columns() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.guard_courses_columns() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.guard_enrollments_columns() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.guard_course_reviews_columns() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.guard_assignment_submissions_columns() FROM PUBLIC;

CREATE TRIGGER guard_instructor_profiles_columns
    BEFORE INSERT OR UPDATE ON public.instructor_profiles
    FOR EACH ROW EXECUTE FUNCTION public.guard_instructor_profiles_columns();
CREATE TRIGGER guard_courses_columns
    BEFORE INSERT OR UPDATE ON public.courses
    FOR EACH ROW EXECUTE FUNCTION public.guard_courses_columns();
CREATE TRIGGER guard_enrollments_columns
    BEFORE INSERT OR UPDATE ON public.enrollments
    FOR EACH ROW EXECUTE FUNCTION public.guard_enrollments_columns();
CREATE TRIGGER guard_course_reviews_columns
    BEFORE INSERT OR UPDATE ON public.course_reviews
    FOR EACH ROW EXECUTE FUNCTION public.guard_course_reviews_columns();
CREATE TRIGGER guard_assignment_submissions_columns
    BEFORE INSERT OR UPDATE ON public.assignment_submissions
    FOR EACH ROW EXECUTE FUNCTION public.guard_assignment_submissions_columns();
