-- Composite foreign keys of the instructors app (spec 20: student_progress, course_reviews).
-- Django cannot express multi-column FKs. Each row's (enrollment_id, user_id, course_id) must be
-- the enrollment's own (id, user_id, course_id), so a progress row or review can never name another
-- student's or another course's enrollment. The target is the UNIQUE constraint
-- enrollments_id_user_id_course_id_key, which Django adds from deferred SQL: run this file only after
-- the migration's deferred SQL has been executed (e.g. after a SetOnDelete operation, which flushes it).
-- DEFERRABLE INITIALLY DEFERRED like every FK Django creates (and SetOnDelete re-creates).

ALTER TABLE public.student_progress
    ADD CONSTRAINT student_progress_enrollment_user_course_fkey
    FOREIGN KEY (enrollment_id, user_id, course_id)
    REFERENCES public.enrollments (id, user_id, course_id)
    ON DELETE CASCADE
    DEFERRABLE INITIALLY DEFERRED;

ALTER TABLE public.course_reviews
    ADD CONSTRAINT course_reviews_enrollment_user_course_fkey
    FOREIGN KEY (enrollment_id, user_id, course_id)
    REFERENCES public.enrollments (id, user_id, course_id)
    ON DELETE CASCADE
    DEFERRABLE INITIALLY DEFERRED;
