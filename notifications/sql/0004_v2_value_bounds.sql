-- Value bounds (issue 9 item 11). The ALTER TABLE statements are `python -m humanglue.bounds notifications`,
-- generated from humanglue/bounds.py (which documents the limits). Frozen once landed: a new limit is a
-- new migration.
-- Each CHECK is added NOT VALID: every new write is checked at once; the migration's ValidateOrReport
-- operation then validates it against the stored rows, or reports the rows that break it.

ALTER TABLE public.notifications
    ADD CONSTRAINT notifications_title_not_blank CHECK (title ~ '[^[:space:]]') NOT VALID,
    ADD CONSTRAINT notifications_title_length CHECK (char_length(title) <= 500) NOT VALID,
    ADD CONSTRAINT notifications_message_not_blank CHECK (message ~ '[^[:space:]]') NOT VALID,
    ADD CONSTRAINT notifications_message_length CHECK (char_length(message) <= 20000) NOT VALID,
    ADD CONSTRAINT notifications_data_size CHECK (octet_length(data::text) <= 65536) NOT VALID;

ALTER TABLE public.student_presence
    ADD CONSTRAINT student_presence_metadata_size CHECK (octet_length(metadata::text) <= 65536) NOT VALID;
