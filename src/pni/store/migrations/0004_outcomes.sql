-- What sensemaking groups produced (`pni record`): outcomes, their links, and rejected records.

CREATE TABLE outcomes (
    id          INTEGER PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,       -- sha256 of session, group, exercise, kind, text, links
    session     TEXT,
    group_name  TEXT,
    exercise    TEXT,
    kind        TEXT NOT NULL
                CHECK (kind IN ('discovery', 'dilemma', 'idea', 'question', 'opportunity', 'story', 'other')),
    text        TEXT NOT NULL,
    source_file TEXT NOT NULL,
    source_line INTEGER,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) STRICT;
CREATE INDEX outcomes_session ON outcomes(session);

CREATE TABLE outcome_stories (
    outcome_id INTEGER NOT NULL REFERENCES outcomes(id) ON DELETE CASCADE,
    story_id   TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    PRIMARY KEY (outcome_id, story_id)
) STRICT;
CREATE INDEX outcome_stories_story ON outcome_stories(story_id);

CREATE TABLE outcome_patterns (
    outcome_id INTEGER NOT NULL REFERENCES outcomes(id) ON DELETE CASCADE,
    pattern_id INTEGER NOT NULL REFERENCES patterns(id) ON DELETE CASCADE,
    PRIMARY KEY (outcome_id, pattern_id)
) STRICT;

CREATE TABLE outcome_rejects (
    id         INTEGER PRIMARY KEY,
    file       TEXT NOT NULL,
    line       INTEGER,
    reason     TEXT NOT NULL,
    raw        TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) STRICT;
CREATE UNIQUE INDEX outcome_rejects_once ON outcome_rejects(file, COALESCE(line, -1), reason);
