-- PostgreSQL names a column's CHECK constraint <table>_<column>_check.
ALTER TABLE stories DROP CONSTRAINT IF EXISTS stories_source_kind_check;
ALTER TABLE stories ADD CONSTRAINT stories_source_kind_check
    CHECK (source_kind IN ('empathy-interview', 'kiva-panel', 'story-form', 'reflection', 'other', 'composite'));
