-- One short card code per story (issue 22): a letter for how it was gathered and a number,
-- printed large on cards and used by the report, observations, worksheets, `stories show` and
-- `record` alike. Assigned once, in collection order, and never reused.

CREATE TABLE story_codes (
    story_id TEXT PRIMARY KEY REFERENCES stories(id) ON DELETE CASCADE,
    code     TEXT NOT NULL UNIQUE                 -- upper case: K12, F7, I3
) STRICT;
