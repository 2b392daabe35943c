-- Business triggers of the instructors app (spec 30 §2; conventions §2, §3). Loaded by instructors/0003_logic.
--
-- Every trigger function that writes a row other than the one being changed is SECURITY DEFINER with the
-- pinned search_path: its writes run as the owner, which is system context, so the guard_* triggers of
-- spec 20 let the maintained columns through. stamp_student_progress() only edits NEW and stays INVOKER.
-- Trigger functions are VOLATILE: in READ COMMITTED each statement takes a fresh snapshot, which the
-- lock-then-recompute pattern (B) relies on. No EXECUTE grant on any of them (conventions §3).
--
-- Same-event triggers fire in name order, and the names keep the lock order
-- enrollment row -> course / workshop row -> instructor_profiles row:
--   enrollments: auto_create_student_progress, auto_update_enrolled_count, log_enrollment_activity_trigger,
--                (notifications' realtime_/trigger_notify_*), update_instructor_stats_from_enrollments_trigger
--   student_progress: stamp_ (BEFORE), log_lesson_activity_trigger, update_enrollment_progress_trigger
--   instructor_profiles: guard_instructor_profiles_columns, then init_instructor_stats_trigger (BEFORE INSERT)

-- §2.1 enrollments AFTER INSERT: one default progress row per lesson the course has now (pattern C).
CREATE FUNCTION public.auto_create_student_progress()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    INSERT INTO public.student_progress (enrollment_id, user_id, course_id, lesson_id)
    SELECT NEW.id, NEW.user_id, NEW.course_id, l.id
    FROM public.course_lessons l
    JOIN public.course_sections s ON s.id = l.section_id
    WHERE s.course_id = NEW.course_id
    ORDER BY l.id
    ON CONFLICT (enrollment_id, lesson_id) DO NOTHING;
    RETURN NULL;
END;
$$;

-- §2.2 enrollments AFTER INSERT / DELETE / UPDATE OF status, course_id: courses.enrolled_count (every
-- enrollment, dropped included) and completed_count, by atomic deltas on the course row (pattern A).
-- Decrements floor at 0; a missing course row (cascade) is simply not updated.
CREATE FUNCTION public.auto_update_enrolled_count()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    v_delta integer;
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE public.courses c
        SET enrolled_count = c.enrolled_count + 1,
            completed_count = c.completed_count + (NEW.status = 'completed')::integer
        WHERE c.id = NEW.course_id;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE public.courses c
        SET enrolled_count = GREATEST(0, c.enrolled_count - 1),
            completed_count = GREATEST(0, c.completed_count - (OLD.status = 'completed')::integer)
        WHERE c.id = OLD.course_id;
    ELSIF NEW.course_id IS DISTINCT FROM OLD.course_id THEN
        -- Both course rows, in ascending id order: the DELETE rule on the old one, the INSERT rule on the new.
        IF OLD.course_id < NEW.course_id THEN
            UPDATE public.courses c
            SET enrolled_count = GREATEST(0, c.enrolled_count - 1),
                completed_count = GREATEST(0, c.completed_count - (OLD.status = 'completed')::integer)
            WHERE c.id = OLD.course_id;
            UPDATE public.courses c
            SET enrolled_count = c.enrolled_count + 1,
                completed_count = c.completed_count + (NEW.status = 'completed')::integer
            WHERE c.id = NEW.course_id;
        ELSE
            UPDATE public.courses c
            SET enrolled_count = c.enrolled_count + 1,
                completed_count = c.completed_count + (NEW.status = 'completed')::integer
            WHERE c.id = NEW.course_id;
            UPDATE public.courses c
            SET enrolled_count = GREATEST(0, c.enrolled_count - 1),
                completed_count = GREATEST(0, c.completed_count - (OLD.status = 'completed')::integer)
            WHERE c.id = OLD.course_id;
        END IF;
    ELSIF NEW.status IS DISTINCT FROM OLD.status THEN
        v_delta := (NEW.status = 'completed')::integer - (OLD.status = 'completed')::integer;
        IF v_delta <> 0 THEN
            UPDATE public.courses c
            SET completed_count = GREATEST(0, c.completed_count + v_delta)
            WHERE c.id = NEW.course_id;
        END IF;
    END IF;
    RETURN NULL;
END;
$$;

-- §2.4 enrollments AFTER INSERT / UPDATE OF status: 'enrolled' on insert, 'course_completed' when the
-- status enters 'completed'. Nothing for a course without an instructor.
CREATE FUNCTION public.log_enrollment_activity()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    v_instructor uuid;
    v_title text;
BEGIN
    IF TG_OP = 'UPDATE' AND NOT (NEW.status = 'completed' AND OLD.status IS DISTINCT FROM 'completed') THEN
        RETURN NULL;
    END IF;
    SELECT c.instructor_id, c.title INTO v_instructor, v_title
    FROM public.courses c
    WHERE c.id = NEW.course_id;
    IF v_instructor IS NULL THEN
        RETURN NULL;
    END IF;
    INSERT INTO public.student_activity
        (instructor_id, student_id, activity_type, activity_title, course_id, occurred_at)
    VALUES (
        v_instructor,
        NEW.user_id,
        CASE WHEN TG_OP = 'INSERT' THEN 'enrolled'::public.activity_type
             ELSE 'course_completed'::public.activity_type END,
        CASE WHEN TG_OP = 'INSERT' THEN 'Enrolled in ' || v_title ELSE 'Completed ' || v_title END,
        NEW.course_id,
        clock_timestamp()
    );
    RETURN NULL;
END;
$$;

-- §2.10 enrollments AFTER INSERT / DELETE / UPDATE OF user_id, course_id: total_students under the profile
-- lock. The "does this student have another enrollment with P" check runs in a new statement after the
-- lock, so two concurrent first enrollments of one student with P count once (each waits for the other's
-- commit and then sees its row).
--   INSERT, no other enrollment of the student with P: +1 (the delta of spec 30 §2.10).
--   INSERT, another one that an earlier transaction committed (age(xmin) > 0): the student was already
--     counted, nothing to do.
--   Otherwise the other rows come from this transaction (or from one that committed after ours started):
--     they may belong to this same multi-row statement, whose rows all see each other, so a delta cannot
--     tell whether the student was counted; total_students is recounted instead (exact).
--   DELETE, another enrollment remains: nothing. None remains: recount (exact even when one statement
--     deletes several enrollments of the student with P, where a -1 per row would subtract twice).
--   A recount counts every visible row, including rows of the current statement whose own trigger has
--     not run yet; so once P was recounted in this transaction (remembered in the transaction-local
--     setting app.students_recounted), a later +1 for P becomes a recount too.
--   UPDATE of user_id or course_id (platform admin only): full refresh of the old and new instructor.
CREATE FUNCTION public.update_instructor_stats_from_enrollment()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    v_instructor uuid;
    v_id uuid;
    v_row public.enrollments%ROWTYPE;
    v_others boolean;
    v_recounted text;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NEW.user_id IS NOT DISTINCT FROM OLD.user_id AND NEW.course_id IS NOT DISTINCT FROM OLD.course_id THEN
            RETURN NULL;
        END IF;
        FOR v_id IN
            SELECT DISTINCT c.instructor_id
            FROM public.courses c
            WHERE c.id IN (OLD.course_id, NEW.course_id) AND c.instructor_id IS NOT NULL
            ORDER BY c.instructor_id
        LOOP
            PERFORM public.refresh_instructor_stats(v_id);
        END LOOP;
        RETURN NULL;
    END IF;

    IF TG_OP = 'INSERT' THEN
        v_row := NEW;
    ELSE
        v_row := OLD;
    END IF;
    SELECT c.instructor_id INTO v_instructor FROM public.courses c WHERE c.id = v_row.course_id;
    IF v_instructor IS NULL THEN
        RETURN NULL;  -- no instructor, or the course is being deleted (its trigger refreshes the instructor)
    END IF;
    PERFORM 1 FROM public.instructor_profiles p WHERE p.user_id = v_instructor FOR UPDATE;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;

    v_recounted := COALESCE(current_setting('app.students_recounted', true), '');
    v_others := EXISTS (
        SELECT 1
        FROM public.enrollments e
        JOIN public.courses c ON c.id = e.course_id
        WHERE e.user_id = v_row.user_id
          AND c.instructor_id = v_instructor
          AND e.id <> v_row.id
    );
    IF TG_OP = 'DELETE' THEN
        IF v_others THEN
            RETURN NULL;
        END IF;
    ELSIF NOT v_others THEN
        IF strpos(v_recounted, v_instructor::text) = 0 THEN
            UPDATE public.instructor_profiles p
            SET total_students = p.total_students + 1
            WHERE p.user_id = v_instructor;
            RETURN NULL;
        END IF;
    ELSIF EXISTS (
        SELECT 1
        FROM public.enrollments e
        JOIN public.courses c ON c.id = e.course_id
        WHERE e.user_id = v_row.user_id
          AND c.instructor_id = v_instructor
          AND e.id <> v_row.id
          AND age(e.xmin) > 0
    ) THEN
        RETURN NULL;
    END IF;

    UPDATE public.instructor_profiles p
    SET total_students = s.n
    FROM (
        SELECT count(DISTINCT e.user_id)::integer AS n
        FROM public.enrollments e
        JOIN public.courses c ON c.id = e.course_id
        WHERE c.instructor_id = v_instructor
    ) s
    WHERE p.user_id = v_instructor AND p.total_students IS DISTINCT FROM s.n;
    IF strpos(v_recounted, v_instructor::text) = 0 THEN
        PERFORM set_config('app.students_recounted', v_recounted || v_instructor::text || ',', true);
    END IF;
    RETURN NULL;
END;
$$;

-- §2.5 student_progress BEFORE INSERT / UPDATE (INVOKER, edits only NEW): completion stamps, and
-- last_accessed_at = now() when a progress value changed and the writer did not advance it.
CREATE FUNCTION public.stamp_student_progress()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
AS $$
BEGIN
    IF NEW.is_completed THEN
        NEW.completed_at := COALESCE(NEW.completed_at, now());
        NEW.completion_percentage := 100;
    ELSE
        NEW.completed_at := NULL;
    END IF;

    IF TG_OP = 'INSERT' THEN
        IF NEW.last_accessed_at IS NULL
           AND (NEW.is_completed OR NEW.time_spent_seconds > 0 OR NEW.completion_percentage > 0
                OR COALESCE(NEW.last_position_seconds, 0) > 0) THEN
            NEW.last_accessed_at := now();
        END IF;
    ELSIF (NEW.is_completed IS DISTINCT FROM OLD.is_completed
           OR NEW.time_spent_seconds IS DISTINCT FROM OLD.time_spent_seconds
           OR NEW.completion_percentage IS DISTINCT FROM OLD.completion_percentage
           OR NEW.last_position_seconds IS DISTINCT FROM OLD.last_position_seconds)
          AND NOT (NEW.last_accessed_at IS NOT NULL
                   AND (OLD.last_accessed_at IS NULL OR NEW.last_accessed_at > OLD.last_accessed_at)) THEN
        NEW.last_accessed_at := now();
    END IF;
    RETURN NEW;
END;
$$;

-- §2.5 student_progress AFTER INSERT / UPDATE: 'lesson_started' when last_accessed_at goes from NULL to a
-- value, 'lesson_completed' when is_completed becomes true. Skips courses without an instructor.
CREATE FUNCTION public.log_lesson_activity()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    v_started boolean;
    v_completed boolean;
    v_instructor uuid;
    v_lesson_title text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        v_started := NEW.last_accessed_at IS NOT NULL;
        v_completed := NEW.is_completed;
    ELSE
        v_started := OLD.last_accessed_at IS NULL AND NEW.last_accessed_at IS NOT NULL;
        v_completed := NEW.is_completed AND NOT OLD.is_completed;
    END IF;
    IF NOT (v_started OR v_completed) THEN
        RETURN NULL;
    END IF;
    SELECT c.instructor_id INTO v_instructor FROM public.courses c WHERE c.id = NEW.course_id;
    IF v_instructor IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT l.title INTO v_lesson_title FROM public.course_lessons l WHERE l.id = NEW.lesson_id;
    IF v_started THEN
        INSERT INTO public.student_activity
            (instructor_id, student_id, activity_type, activity_title, course_id, lesson_id, occurred_at)
        VALUES (v_instructor, NEW.user_id, 'lesson_started', 'Started lesson ' || v_lesson_title,
                NEW.course_id, NEW.lesson_id, clock_timestamp());
    END IF;
    IF v_completed THEN
        INSERT INTO public.student_activity
            (instructor_id, student_id, activity_type, activity_title, course_id, lesson_id, occurred_at)
        VALUES (v_instructor, NEW.user_id, 'lesson_completed', 'Completed lesson ' || v_lesson_title,
                NEW.course_id, NEW.lesson_id, clock_timestamp());
    END IF;
    RETURN NULL;
END;
$$;

-- §2.5 student_progress AFTER INSERT / UPDATE / DELETE: roll the lesson rows up into the enrollment
-- (pattern B: lock the enrollment row, recount in new statements). Monotonic status rules; last_accessed_at
-- only moves forward and is left alone on DELETE.
CREATE FUNCTION public.update_enrollment_progress()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    v_enrollment_id uuid;
    v_enrollment public.enrollments%ROWTYPE;
    v_total integer;
    v_done integer;
    v_pct integer;
    v_last_at timestamptz;
    v_last_lesson uuid;
    v_status public.enrollment_status;
    v_completed_at timestamptz;
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NOT (NEW.is_completed OR NEW.last_accessed_at IS NOT NULL OR NEW.time_spent_seconds > 0
                OR NEW.completion_percentage > 0 OR COALESCE(NEW.last_position_seconds, 0) > 0) THEN
            RETURN NULL;
        END IF;
        v_enrollment_id := NEW.enrollment_id;
    ELSIF TG_OP = 'UPDATE' THEN
        IF NEW.is_completed IS NOT DISTINCT FROM OLD.is_completed
           AND NEW.time_spent_seconds IS NOT DISTINCT FROM OLD.time_spent_seconds
           AND NEW.completion_percentage IS NOT DISTINCT FROM OLD.completion_percentage
           AND NEW.last_position_seconds IS NOT DISTINCT FROM OLD.last_position_seconds
           AND NEW.last_accessed_at IS NOT DISTINCT FROM OLD.last_accessed_at THEN
            RETURN NULL;
        END IF;
        v_enrollment_id := NEW.enrollment_id;
    ELSE
        v_enrollment_id := OLD.enrollment_id;
    END IF;

    SELECT e.* INTO v_enrollment FROM public.enrollments e WHERE e.id = v_enrollment_id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN NULL;  -- the enrollment is gone (cascade)
    END IF;

    SELECT count(*)::integer INTO v_total
    FROM public.course_lessons l
    JOIN public.course_sections s ON s.id = l.section_id
    WHERE s.course_id = v_enrollment.course_id;

    SELECT count(*)::integer INTO v_done
    FROM public.student_progress sp
    JOIN public.course_lessons l ON l.id = sp.lesson_id
    JOIN public.course_sections s ON s.id = l.section_id
    WHERE sp.enrollment_id = v_enrollment_id
      AND sp.is_completed
      AND s.course_id = v_enrollment.course_id;

    v_pct := CASE WHEN v_total = 0 THEN 0 ELSE LEAST(100, v_done * 100 / v_total) END;

    v_last_at := v_enrollment.last_accessed_at;
    v_last_lesson := v_enrollment.last_accessed_lesson_id;
    IF TG_OP <> 'DELETE' AND NEW.last_accessed_at IS NOT NULL
       AND (v_last_at IS NULL OR NEW.last_accessed_at > v_last_at) THEN
        v_last_at := NEW.last_accessed_at;
        v_last_lesson := NEW.lesson_id;
    END IF;

    v_status := v_enrollment.status;
    v_completed_at := v_enrollment.completed_at;
    IF v_status IN ('enrolled', 'in_progress') AND v_pct = 100 THEN
        v_status := 'completed';
        v_completed_at := COALESCE(v_completed_at, now());
    ELSIF v_status = 'enrolled' AND v_pct > 0 THEN
        v_status := 'in_progress';
    END IF;

    IF (v_enrollment.progress_percentage, v_enrollment.last_accessed_at, v_enrollment.last_accessed_lesson_id,
        v_enrollment.status, v_enrollment.completed_at)
       IS DISTINCT FROM (v_pct, v_last_at, v_last_lesson, v_status, v_completed_at) THEN
        UPDATE public.enrollments e
        SET progress_percentage = v_pct,
            last_accessed_at = v_last_at,
            last_accessed_lesson_id = v_last_lesson,
            status = v_status,
            completed_at = v_completed_at
        WHERE e.id = v_enrollment_id;
    END IF;
    RETURN NULL;
END;
$$;

-- §2.6 course_lessons / course_sections AFTER ... FOR EACH STATEMENT with transition tables: find the
-- courses whose lesson set changed and recompute every enrollment of them.
CREATE FUNCTION public.recompute_progress_on_lesson_change()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    v_courses uuid[];
BEGIN
    IF TG_TABLE_NAME = 'course_lessons' THEN
        IF TG_OP = 'INSERT' THEN
            SELECT array_agg(DISTINCT s.course_id) INTO v_courses
            FROM new_rows n
            JOIN public.course_sections s ON s.id = n.section_id;
        ELSIF TG_OP = 'UPDATE' THEN
            SELECT array_agg(DISTINCT s.course_id) INTO v_courses
            FROM (
                SELECT o.section_id AS section_id
                FROM old_rows o JOIN new_rows n ON n.id = o.id
                WHERE o.section_id IS DISTINCT FROM n.section_id
                UNION
                SELECT n.section_id
                FROM old_rows o JOIN new_rows n ON n.id = o.id
                WHERE o.section_id IS DISTINCT FROM n.section_id
            ) moved
            JOIN public.course_sections s ON s.id = moved.section_id;
        ELSE
            -- Sections deleted in the same statement (cascade) are gone: their course is handled by the
            -- section trigger.
            SELECT array_agg(DISTINCT s.course_id) INTO v_courses
            FROM old_rows o
            JOIN public.course_sections s ON s.id = o.section_id;
        END IF;
    ELSE
        IF TG_OP = 'UPDATE' THEN
            SELECT array_agg(DISTINCT x.course_id) INTO v_courses
            FROM (
                SELECT o.course_id
                FROM old_rows o JOIN new_rows n ON n.id = o.id
                WHERE o.course_id IS DISTINCT FROM n.course_id
                UNION
                SELECT n.course_id
                FROM old_rows o JOIN new_rows n ON n.id = o.id
                WHERE o.course_id IS DISTINCT FROM n.course_id
            ) x;
        ELSE
            SELECT array_agg(DISTINCT o.course_id) INTO v_courses FROM old_rows o;
        END IF;
    END IF;
    PERFORM public.recompute_course_progress(v_courses);
    RETURN NULL;
END;
$$;

-- §2.7 course_reviews AFTER INSERT / DELETE / UPDATE OF rating, is_published, course_id: the course's
-- average_rating and review_count over published reviews (pattern B per course, ascending id), then the
-- affected instructors' profile stats (course -> profile lock order).
CREATE FUNCTION public.update_course_rating()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    v_course_ids uuid[];
    v_course_id uuid;
    v_instructor uuid;
    v_instructors uuid[] := '{}';
BEGIN
    IF TG_OP = 'INSERT' THEN
        v_course_ids := ARRAY[NEW.course_id];
    ELSIF TG_OP = 'DELETE' THEN
        v_course_ids := ARRAY[OLD.course_id];
    ELSE
        IF NEW.rating IS NOT DISTINCT FROM OLD.rating
           AND NEW.is_published IS NOT DISTINCT FROM OLD.is_published
           AND NEW.course_id IS NOT DISTINCT FROM OLD.course_id THEN
            RETURN NULL;
        END IF;
        v_course_ids := ARRAY[OLD.course_id, NEW.course_id];
    END IF;

    FOR v_course_id IN SELECT DISTINCT x FROM unnest(v_course_ids) x WHERE x IS NOT NULL ORDER BY x LOOP
        SELECT c.instructor_id INTO v_instructor FROM public.courses c WHERE c.id = v_course_id FOR UPDATE;
        IF NOT FOUND THEN
            CONTINUE;  -- the course is being deleted; its instructor is refreshed by the courses trigger
        END IF;
        UPDATE public.courses c
        SET average_rating = r.avg_rating,
            review_count = r.review_count
        FROM (
            SELECT round(avg(cr.rating), 2) AS avg_rating, count(*)::integer AS review_count
            FROM public.course_reviews cr
            WHERE cr.course_id = v_course_id AND cr.is_published
        ) r
        WHERE c.id = v_course_id
          AND (c.average_rating, c.review_count) IS DISTINCT FROM (r.avg_rating, r.review_count);
        IF v_instructor IS NOT NULL THEN
            v_instructors := v_instructors || v_instructor;
        END IF;
    END LOOP;

    FOR v_instructor IN SELECT DISTINCT x FROM unnest(v_instructors) x ORDER BY x LOOP
        PERFORM public.refresh_instructor_stats(v_instructor);
    END LOOP;
    RETURN NULL;
END;
$$;

-- §2.10 courses and workshops AFTER INSERT / DELETE / UPDATE OF status, instructor_id: refresh the OLD and
-- NEW instructor (ascending id). An UPDATE that changed neither column (counter writes, full-row saves)
-- does nothing.
CREATE FUNCTION public.update_instructor_stats_from_owner()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    v_ids uuid[];
    v_id uuid;
BEGIN
    IF TG_OP = 'INSERT' THEN
        v_ids := ARRAY[NEW.instructor_id];
    ELSIF TG_OP = 'DELETE' THEN
        v_ids := ARRAY[OLD.instructor_id];
    ELSE
        IF NEW.status IS NOT DISTINCT FROM OLD.status AND NEW.instructor_id IS NOT DISTINCT FROM OLD.instructor_id THEN
            RETURN NULL;
        END IF;
        v_ids := ARRAY[OLD.instructor_id, NEW.instructor_id];
    END IF;
    FOR v_id IN SELECT DISTINCT x FROM unnest(v_ids) x WHERE x IS NOT NULL ORDER BY x LOOP
        PERFORM public.refresh_instructor_stats(v_id);
    END LOOP;
    RETURN NULL;
END;
$$;

-- §2.10 instructor_profiles BEFORE INSERT: the five maintained values computed into NEW, so a profile
-- created after its courses exist starts correct. Fires after guard_instructor_profiles_columns (name
-- order), which resets the columns of a non-system insert first.
CREATE FUNCTION public.init_instructor_stats()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    SELECT count(DISTINCT e.user_id)::integer INTO NEW.total_students
    FROM public.enrollments e
    JOIN public.courses c ON c.id = e.course_id
    WHERE c.instructor_id = NEW.user_id;

    SELECT count(*)::integer INTO NEW.total_courses
    FROM public.courses c
    WHERE c.instructor_id = NEW.user_id AND c.status = 'published';

    SELECT count(*)::integer INTO NEW.total_workshops
    FROM public.workshops w
    WHERE w.instructor_id = NEW.user_id AND w.status IN ('published', 'in_progress', 'completed');

    SELECT round(avg(r.rating), 2), count(*)::integer INTO NEW.average_rating, NEW.total_reviews
    FROM public.course_reviews r
    JOIN public.courses c ON c.id = r.course_id
    WHERE c.instructor_id = NEW.user_id AND r.is_published;
    RETURN NEW;
END;
$$;

-- §2.11 quiz_attempts AFTER INSERT: 'quiz_passed' / 'quiz_failed' with the score in metadata.
CREATE FUNCTION public.log_quiz_activity()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    v_instructor uuid;
    v_title text;
BEGIN
    SELECT c.instructor_id, COALESCE(l.title, c.title) INTO v_instructor, v_title
    FROM public.courses c
    LEFT JOIN public.course_lessons l ON l.id = NEW.lesson_id
    WHERE c.id = NEW.course_id;
    IF v_instructor IS NULL THEN
        RETURN NULL;
    END IF;
    INSERT INTO public.student_activity
        (instructor_id, student_id, activity_type, activity_title, course_id, lesson_id, metadata, occurred_at)
    VALUES (
        v_instructor,
        NEW.user_id,
        CASE WHEN NEW.passed THEN 'quiz_passed'::public.activity_type ELSE 'quiz_failed'::public.activity_type END,
        CASE WHEN NEW.passed THEN 'Passed quiz: ' ELSE 'Failed quiz: ' END || v_title,
        NEW.course_id,
        NEW.lesson_id,
        jsonb_build_object('score', NEW.score, 'max_score', NEW.max_score, 'percentage', NEW.percentage,
                           'attempt_number', NEW.attempt_number),
        clock_timestamp()
    );
    RETURN NULL;
END;
$$;

-- §2.11 assignment_submissions AFTER INSERT / UPDATE OF status: 'assignment_submitted' when the status
-- becomes 'submitted' or 'resubmitted'.
CREATE FUNCTION public.log_assignment_activity()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    v_instructor uuid;
    v_title text;
BEGIN
    IF NEW.status NOT IN ('submitted', 'resubmitted')
       OR (TG_OP = 'UPDATE' AND NEW.status IS NOT DISTINCT FROM OLD.status) THEN
        RETURN NULL;
    END IF;
    SELECT c.instructor_id, COALESCE(l.title, c.title) INTO v_instructor, v_title
    FROM public.courses c
    LEFT JOIN public.course_lessons l ON l.id = NEW.lesson_id
    WHERE c.id = NEW.course_id;
    IF v_instructor IS NULL THEN
        RETURN NULL;
    END IF;
    INSERT INTO public.student_activity
        (instructor_id, student_id, activity_type, activity_title, course_id, lesson_id, metadata, occurred_at)
    VALUES (v_instructor, NEW.user_id, 'assignment_submitted', 'Submitted assignment: ' || v_title,
            NEW.course_id, NEW.lesson_id, jsonb_build_object('submission_id', NEW.id), clock_timestamp());
    RETURN NULL;
END;
$$;

REVOKE EXECUTE ON FUNCTION public.auto_create_student_progress() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.auto_update_enrolled_count() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.log_enrollment_activity() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.update_instructor_stats_from_enrollment() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.stamp_student_progress() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.log_lesson_activity() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.update_enrollment_progress() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.recompute_progress_on_lesson_change() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.update_course_rating() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.update_instructor_stats_from_owner() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.init_instructor_stats() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.log_quiz_activity() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.log_assignment_activity() FROM PUBLIC;

-- enrollments (firing order = name order)
CREATE TRIGGER auto_create_student_progress
    AFTER INSERT ON public.enrollments
    FOR EACH ROW EXECUTE FUNCTION public.auto_create_student_progress();
CREATE TRIGGER auto_update_enrolled_count
    AFTER INSERT OR DELETE OR UPDATE OF status, course_id ON public.enrollments
    FOR EACH ROW EXECUTE FUNCTION public.auto_update_enrolled_count();
CREATE TRIGGER log_enrollment_activity_trigger
    AFTER INSERT OR UPDATE OF status ON public.enrollments
    FOR EACH ROW EXECUTE FUNCTION public.log_enrollment_activity();
CREATE TRIGGER update_instructor_stats_from_enrollments_trigger
    AFTER INSERT OR DELETE OR UPDATE OF user_id, course_id ON public.enrollments
    FOR EACH ROW EXECUTE FUNCTION public.update_instructor_stats_from_enrollment();

-- student_progress
CREATE TRIGGER stamp_student_progress_trigger
    BEFORE INSERT OR UPDATE ON public.student_progress
    FOR EACH ROW EXECUTE FUNCTION public.stamp_student_progress();
CREATE TRIGGER log_lesson_activity_trigger
    AFTER INSERT OR UPDATE ON public.student_progress
    FOR EACH ROW EXECUTE FUNCTION public.log_lesson_activity();
CREATE TRIGGER update_enrollment_progress_trigger
    AFTER INSERT OR UPDATE OR DELETE ON public.student_progress
    FOR EACH ROW EXECUTE FUNCTION public.update_enrollment_progress();

-- course structure: statement triggers with transition tables (one event each, as PostgreSQL requires)
CREATE TRIGGER recompute_progress_after_lesson_insert
    AFTER INSERT ON public.course_lessons
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public.recompute_progress_on_lesson_change();
CREATE TRIGGER recompute_progress_after_lesson_update
    AFTER UPDATE ON public.course_lessons
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public.recompute_progress_on_lesson_change();
CREATE TRIGGER recompute_progress_after_lesson_delete
    AFTER DELETE ON public.course_lessons
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public.recompute_progress_on_lesson_change();
CREATE TRIGGER recompute_progress_after_section_update
    AFTER UPDATE ON public.course_sections
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public.recompute_progress_on_lesson_change();
CREATE TRIGGER recompute_progress_after_section_delete
    AFTER DELETE ON public.course_sections
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public.recompute_progress_on_lesson_change();

-- other tables of this app
CREATE TRIGGER update_course_rating_trigger
    AFTER INSERT OR DELETE OR UPDATE OF rating, is_published, course_id ON public.course_reviews
    FOR EACH ROW EXECUTE FUNCTION public.update_course_rating();
CREATE TRIGGER update_instructor_stats_from_courses_trigger
    AFTER INSERT OR DELETE OR UPDATE OF status, instructor_id ON public.courses
    FOR EACH ROW EXECUTE FUNCTION public.update_instructor_stats_from_owner();
CREATE TRIGGER init_instructor_stats_trigger
    BEFORE INSERT ON public.instructor_profiles
    FOR EACH ROW EXECUTE FUNCTION public.init_instructor_stats();
CREATE TRIGGER log_quiz_activity_trigger
    AFTER INSERT ON public.quiz_attempts
    FOR EACH ROW EXECUTE FUNCTION public.log_quiz_activity();
CREATE TRIGGER log_assignment_activity_trigger
    AFTER INSERT OR UPDATE OF status ON public.assignment_submissions
    FOR EACH ROW EXECUTE FUNCTION public.log_assignment_activity();

-- on the workshops app's table (this trigger writes an instructors table; conventions §7)
CREATE TRIGGER update_instructor_stats_from_workshops_trigger
    AFTER INSERT OR DELETE OR UPDATE OF status, instructor_id ON public.workshops
    FOR EACH ROW EXECUTE FUNCTION public.update_instructor_stats_from_owner();
