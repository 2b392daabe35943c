-- Instructors see their students and students their instructors (spec 10 §3, users). Needs
-- app.has_teaching_relation(), created by instructors/0002_rls.
CREATE POLICY users_select_teaching_relation ON public.users FOR SELECT
    USING (app.has_teaching_relation(id));
