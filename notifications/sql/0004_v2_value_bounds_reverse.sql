-- Value bounds (issue 9 item 11). The ALTER TABLE statements are `python -m humanglue.bounds notifications --reverse`,
-- generated from humanglue/bounds.py (which documents the limits). Frozen once landed: a new limit is a
-- new migration.

ALTER TABLE public.notifications
    DROP CONSTRAINT IF EXISTS notifications_title_not_blank,
    DROP CONSTRAINT IF EXISTS notifications_title_length,
    DROP CONSTRAINT IF EXISTS notifications_message_not_blank,
    DROP CONSTRAINT IF EXISTS notifications_message_length,
    DROP CONSTRAINT IF EXISTS notifications_data_size;

ALTER TABLE public.student_presence
    DROP CONSTRAINT IF EXISTS student_presence_metadata_size;
