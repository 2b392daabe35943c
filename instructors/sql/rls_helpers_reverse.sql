-- Reverse of rls_helpers.sql.
DROP FUNCTION IF EXISTS app.has_teaching_relation(uuid);
DROP FUNCTION IF EXISTS app.is_instructor();
DROP FUNCTION IF EXISTS app.is_enrolled_in_course(uuid);
DROP FUNCTION IF EXISTS app.is_instructor_of_course(uuid);
