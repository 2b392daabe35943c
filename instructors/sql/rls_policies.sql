-- Row-level security of the instructors app: RLS on its 11 tables (never FORCE), the grants of
-- conventions §1 and the 54 policies of spec 20, by their exact names. Policies are PERMISSIVE and
-- apply to PUBLIC; argument-free helpers are wrapped in (SELECT ...) so they run once per statement
-- (conventions §11). Helpers: rls_helpers.sql; column guards: rls_guards.sql.

ALTER TABLE public.instructor_profiles ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.instructor_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.courses ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.course_sections ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.course_lessons ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.enrollments ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.student_progress ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.student_activity ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.course_reviews ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.quiz_attempts ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.assignment_submissions ENABLE ROW LEVEL SECURITY;

GRANT SELECT, INSERT, UPDATE, DELETE ON
    public.instructor_profiles,
    public.instructor_settings,
    public.courses,
    public.course_sections,
    public.course_lessons,
    public.enrollments,
    public.student_progress,
    public.course_reviews,
    public.quiz_attempts,
    public.assignment_submissions
TO humanglue_app;
-- Written only by SECURITY DEFINER triggers and owner-run services.
GRANT SELECT ON public.student_activity TO humanglue_app;

-- instructor_profiles (5) ---------------------------------------------------------------------------
CREATE POLICY instructor_profiles_select_public ON public.instructor_profiles
    FOR SELECT
    USING (
        is_verified OR is_featured
        OR EXISTS (
            SELECT 1 FROM public.courses c
            WHERE c.instructor_id = instructor_profiles.user_id AND c.status = 'published'
        )
    );
CREATE POLICY instructor_profiles_select_own ON public.instructor_profiles
    FOR SELECT
    USING (user_id = (SELECT app.current_user_id()));
CREATE POLICY instructor_profiles_insert_own ON public.instructor_profiles
    FOR INSERT
    WITH CHECK (user_id = (SELECT app.current_user_id()));
CREATE POLICY instructor_profiles_update_own ON public.instructor_profiles
    FOR UPDATE
    USING (user_id = (SELECT app.current_user_id()))
    WITH CHECK (user_id = (SELECT app.current_user_id()));
CREATE POLICY instructor_profiles_all_platform_admin ON public.instructor_profiles
    FOR ALL
    USING ((SELECT app.is_platform_admin()))
    WITH CHECK ((SELECT app.is_platform_admin()));

-- instructor_settings (2) ---------------------------------------------------------------------------
CREATE POLICY instructor_settings_all_own ON public.instructor_settings
    FOR ALL
    USING (user_id = (SELECT app.current_user_id()))
    WITH CHECK (user_id = (SELECT app.current_user_id()));
CREATE POLICY instructor_settings_all_platform_admin ON public.instructor_settings
    FOR ALL
    USING ((SELECT app.is_platform_admin()))
    WITH CHECK ((SELECT app.is_platform_admin()));

-- courses (9) -----------------------------------------------------------------------------------------
CREATE POLICY courses_select_published ON public.courses
    FOR SELECT
    USING (status = 'published');
CREATE POLICY courses_select_enrolled ON public.courses
    FOR SELECT
    USING (app.is_enrolled_in_course(id));
CREATE POLICY courses_select_own ON public.courses
    FOR SELECT
    USING (instructor_id = (SELECT app.current_user_id()));
-- Fragment 20 writes the profile test as a plain subquery on instructor_profiles. With the wrapped helper
-- form of conventions §11 every courses policy contains a sublink, so courses -> instructor_profiles
-- (instructor_profiles_select_public) -> courses is rejected by PostgreSQL as "infinite recursion detected
-- in policy". app.is_instructor() (SECURITY DEFINER: the caller has an instructor_profiles row) is the
-- same test without re-entering instructor_profiles' policies.
CREATE POLICY courses_insert_own ON public.courses
    FOR INSERT
    WITH CHECK (
        instructor_id = (SELECT app.current_user_id())
        AND (SELECT app.is_instructor())
        AND (organization_id IS NULL OR app.is_org_member(organization_id))
    );
CREATE POLICY courses_update_own ON public.courses
    FOR UPDATE
    USING (instructor_id = (SELECT app.current_user_id()))
    WITH CHECK (
        instructor_id = (SELECT app.current_user_id())
        AND (organization_id IS NULL OR app.is_org_member(organization_id))
    );
CREATE POLICY courses_delete_own ON public.courses
    FOR DELETE
    USING (
        instructor_id = (SELECT app.current_user_id())
        AND NOT EXISTS (SELECT 1 FROM public.enrollments e WHERE e.course_id = courses.id)
    );
CREATE POLICY courses_select_org_member ON public.courses
    FOR SELECT
    USING (organization_id IS NOT NULL AND app.is_org_member(organization_id) AND status <> 'draft');
CREATE POLICY courses_select_org_admin ON public.courses
    FOR SELECT
    USING (organization_id IS NOT NULL AND app.is_org_admin(organization_id));
CREATE POLICY courses_all_platform_admin ON public.courses
    FOR ALL
    USING ((SELECT app.is_platform_admin()))
    WITH CHECK ((SELECT app.is_platform_admin()));

-- course_sections (3) ---------------------------------------------------------------------------------
CREATE POLICY course_sections_select_visible_course ON public.course_sections
    FOR SELECT
    USING (EXISTS (SELECT 1 FROM public.courses c WHERE c.id = course_sections.course_id));
CREATE POLICY course_sections_all_instructor ON public.course_sections
    FOR ALL
    USING (app.is_instructor_of_course(course_id))
    WITH CHECK (app.is_instructor_of_course(course_id));
CREATE POLICY course_sections_all_platform_admin ON public.course_sections
    FOR ALL
    USING ((SELECT app.is_platform_admin()))
    WITH CHECK ((SELECT app.is_platform_admin()));

-- course_lessons (3) ----------------------------------------------------------------------------------
CREATE POLICY course_lessons_select_visible_course ON public.course_lessons
    FOR SELECT
    USING (EXISTS (SELECT 1 FROM public.course_sections s WHERE s.id = course_lessons.section_id));
CREATE POLICY course_lessons_all_instructor ON public.course_lessons
    FOR ALL
    USING (EXISTS (
        SELECT 1 FROM public.course_sections s
        WHERE s.id = course_lessons.section_id AND app.is_instructor_of_course(s.course_id)
    ))
    WITH CHECK (EXISTS (
        SELECT 1 FROM public.course_sections s
        WHERE s.id = course_lessons.section_id AND app.is_instructor_of_course(s.course_id)
    ));
CREATE POLICY course_lessons_all_platform_admin ON public.course_lessons
    FOR ALL
    USING ((SELECT app.is_platform_admin()))
    WITH CHECK ((SELECT app.is_platform_admin()));

-- enrollments (7) -------------------------------------------------------------------------------------
CREATE POLICY enrollments_select_own ON public.enrollments
    FOR SELECT
    USING (user_id = (SELECT app.current_user_id()));
CREATE POLICY enrollments_insert_own ON public.enrollments
    FOR INSERT
    WITH CHECK (
        user_id = (SELECT app.current_user_id())
        AND status = 'enrolled'
        AND progress_percentage = 0
        AND completed_at IS NULL
        AND certificate_url IS NULL
        AND (organization_id IS NULL OR app.is_org_member(organization_id))
        AND EXISTS (
            SELECT 1 FROM public.courses c
            WHERE c.id = enrollments.course_id AND c.status = 'published' AND c.price_amount = 0
        )
    );
CREATE POLICY enrollments_update_own ON public.enrollments
    FOR UPDATE
    USING (user_id = (SELECT app.current_user_id()) AND status <> 'completed')
    WITH CHECK (user_id = (SELECT app.current_user_id()) AND status IN ('enrolled', 'in_progress', 'dropped'));
CREATE POLICY enrollments_select_instructor ON public.enrollments
    FOR SELECT
    USING (app.is_instructor_of_course(course_id));
CREATE POLICY enrollments_update_instructor ON public.enrollments
    FOR UPDATE
    USING (app.is_instructor_of_course(course_id))
    WITH CHECK (app.is_instructor_of_course(course_id));
CREATE POLICY enrollments_select_org_admin ON public.enrollments
    FOR SELECT
    USING (organization_id IS NOT NULL AND app.is_org_admin(organization_id));
CREATE POLICY enrollments_all_platform_admin ON public.enrollments
    FOR ALL
    USING ((SELECT app.is_platform_admin()))
    WITH CHECK ((SELECT app.is_platform_admin()));

-- student_progress (5) --------------------------------------------------------------------------------
CREATE POLICY student_progress_select_own ON public.student_progress
    FOR SELECT
    USING (user_id = (SELECT app.current_user_id()));
CREATE POLICY student_progress_insert_own ON public.student_progress
    FOR INSERT
    WITH CHECK (
        user_id = (SELECT app.current_user_id())
        AND EXISTS (
            SELECT 1 FROM public.course_lessons l
            JOIN public.course_sections s ON s.id = l.section_id
            WHERE l.id = student_progress.lesson_id AND s.course_id = student_progress.course_id
        )
    );
CREATE POLICY student_progress_update_own ON public.student_progress
    FOR UPDATE
    USING (user_id = (SELECT app.current_user_id()))
    WITH CHECK (
        user_id = (SELECT app.current_user_id())
        AND EXISTS (
            SELECT 1 FROM public.course_lessons l
            JOIN public.course_sections s ON s.id = l.section_id
            WHERE l.id = student_progress.lesson_id AND s.course_id = student_progress.course_id
        )
    );
CREATE POLICY student_progress_select_instructor ON public.student_progress
    FOR SELECT
    USING (app.is_instructor_of_course(course_id));
CREATE POLICY student_progress_all_platform_admin ON public.student_progress
    FOR ALL
    USING ((SELECT app.is_platform_admin()))
    WITH CHECK ((SELECT app.is_platform_admin()));

-- student_activity (3) --------------------------------------------------------------------------------
CREATE POLICY student_activity_select_instructor ON public.student_activity
    FOR SELECT
    USING (instructor_id = (SELECT app.current_user_id()));
CREATE POLICY student_activity_select_own ON public.student_activity
    FOR SELECT
    USING (student_id = (SELECT app.current_user_id()));
CREATE POLICY student_activity_select_platform_admin ON public.student_activity
    FOR SELECT
    USING ((SELECT app.is_platform_admin()));

-- course_reviews (7) ----------------------------------------------------------------------------------
CREATE POLICY course_reviews_select_published ON public.course_reviews
    FOR SELECT
    USING (is_published = true);
CREATE POLICY course_reviews_select_own ON public.course_reviews
    FOR SELECT
    USING (user_id = (SELECT app.current_user_id()));
CREATE POLICY course_reviews_insert_own ON public.course_reviews
    FOR INSERT
    WITH CHECK (
        user_id = (SELECT app.current_user_id())
        AND EXISTS (
            SELECT 1 FROM public.enrollments e
            WHERE e.id = course_reviews.enrollment_id
              AND e.user_id = (SELECT app.current_user_id())
              AND e.course_id = course_reviews.course_id
              AND e.status = 'completed'
        )
    );
CREATE POLICY course_reviews_update_own ON public.course_reviews
    FOR UPDATE
    USING (user_id = (SELECT app.current_user_id()))
    WITH CHECK (user_id = (SELECT app.current_user_id()));
CREATE POLICY course_reviews_select_instructor ON public.course_reviews
    FOR SELECT
    USING (app.is_instructor_of_course(course_id));
CREATE POLICY course_reviews_update_instructor ON public.course_reviews
    FOR UPDATE
    USING (app.is_instructor_of_course(course_id))
    WITH CHECK (app.is_instructor_of_course(course_id));
CREATE POLICY course_reviews_all_platform_admin ON public.course_reviews
    FOR ALL
    USING ((SELECT app.is_platform_admin()))
    WITH CHECK ((SELECT app.is_platform_admin()));

-- quiz_attempts (4) -----------------------------------------------------------------------------------
CREATE POLICY quiz_attempts_select_own ON public.quiz_attempts
    FOR SELECT
    USING (user_id = (SELECT app.current_user_id()));
CREATE POLICY quiz_attempts_insert_own ON public.quiz_attempts
    FOR INSERT
    WITH CHECK (
        user_id = (SELECT app.current_user_id())
        AND app.is_enrolled_in_course(course_id)
        AND (
            lesson_id IS NULL
            OR EXISTS (
                SELECT 1 FROM public.course_lessons l
                JOIN public.course_sections s ON s.id = l.section_id
                WHERE l.id = quiz_attempts.lesson_id AND s.course_id = quiz_attempts.course_id
            )
        )
    );
CREATE POLICY quiz_attempts_select_instructor ON public.quiz_attempts
    FOR SELECT
    USING (app.is_instructor_of_course(course_id));
CREATE POLICY quiz_attempts_all_platform_admin ON public.quiz_attempts
    FOR ALL
    USING ((SELECT app.is_platform_admin()))
    WITH CHECK ((SELECT app.is_platform_admin()));

-- assignment_submissions (6) --------------------------------------------------------------------------
CREATE POLICY assignment_submissions_select_own ON public.assignment_submissions
    FOR SELECT
    USING (user_id = (SELECT app.current_user_id()));
CREATE POLICY assignment_submissions_insert_own ON public.assignment_submissions
    FOR INSERT
    WITH CHECK (
        user_id = (SELECT app.current_user_id())
        AND app.is_enrolled_in_course(course_id)
        AND status IN ('draft', 'submitted')
        AND grade IS NULL
        AND graded_by IS NULL
        AND graded_at IS NULL
        AND (
            lesson_id IS NULL
            OR EXISTS (
                SELECT 1 FROM public.course_lessons l
                JOIN public.course_sections s ON s.id = l.section_id
                WHERE l.id = assignment_submissions.lesson_id AND s.course_id = assignment_submissions.course_id
            )
        )
    );
CREATE POLICY assignment_submissions_update_own ON public.assignment_submissions
    FOR UPDATE
    USING (
        user_id = (SELECT app.current_user_id())
        AND status IN ('draft', 'submitted', 'returned', 'resubmitted')
    )
    WITH CHECK (
        user_id = (SELECT app.current_user_id())
        AND status IN ('draft', 'submitted', 'resubmitted')
    );
CREATE POLICY assignment_submissions_select_instructor ON public.assignment_submissions
    FOR SELECT
    USING (app.is_instructor_of_course(course_id));
CREATE POLICY assignment_submissions_update_instructor ON public.assignment_submissions
    FOR UPDATE
    USING (app.is_instructor_of_course(course_id))
    WITH CHECK (
        app.is_instructor_of_course(course_id)
        AND status <> 'draft'
        AND (graded_by IS NULL OR graded_by = (SELECT app.current_user_id()))
    );
CREATE POLICY assignment_submissions_all_platform_admin ON public.assignment_submissions
    FOR ALL
    USING ((SELECT app.is_platform_admin()))
    WITH CHECK ((SELECT app.is_platform_admin()));
