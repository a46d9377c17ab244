-- The foundation: collections, tellers, questions, stories, answers, imports and rejects.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE collections (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    description TEXT,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) STRICT;

CREATE TABLE tellers (
    id         TEXT PRIMARY KEY,          -- stable pseudonym, e.g. T-4f2a9c1d
    name       TEXT,                      -- real name, only with --keep-names
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) STRICT;

CREATE TABLE questions (
    id         TEXT PRIMARY KEY,
    text       TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('choice', 'multi-choice', 'scale', 'boolean', 'text')),
    about      TEXT NOT NULL DEFAULT 'story' CHECK (about IN ('story', 'teller', 'annotation')),
    options    TEXT NOT NULL DEFAULT '[]',   -- JSON list
    scale_min  REAL,
    scale_max  REAL,
    labels     TEXT NOT NULL DEFAULT '[]',   -- JSON list
    inferred   INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE imports (
    id          INTEGER PRIMARY KEY,
    batch       TEXT NOT NULL,              -- one `pni collect` call
    file        TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    options     TEXT NOT NULL DEFAULT '{}',  -- JSON
    read        INTEGER NOT NULL DEFAULT 0,
    stored      INTEGER NOT NULL DEFAULT 0,
    duplicates  INTEGER NOT NULL DEFAULT 0,
    rejected    INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE stories (
    id             TEXT PRIMARY KEY,         -- stable: derived from the content hash
    source_id      TEXT,                     -- the source's own id, kept for joining back
    collection_id  INTEGER REFERENCES collections(id),
    teller_id      TEXT REFERENCES tellers(id),
    title          TEXT,
    text           TEXT NOT NULL,            -- exactly as given
    prompt         TEXT,
    source_kind    TEXT NOT NULL DEFAULT 'other'
                   CHECK (source_kind IN ('empathy-interview', 'kiva-panel', 'story-form', 'reflection', 'other')),
    date           TEXT,
    language       TEXT,
    consent        TEXT NOT NULL DEFAULT 'unknown' CHECK (consent IN ('yes', 'no', 'unknown')),
    content_hash   TEXT NOT NULL UNIQUE,
    import_id      INTEGER REFERENCES imports(id),
    source_file    TEXT,
    source_sheet   TEXT,
    source_locator TEXT,
    created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) STRICT;
CREATE INDEX stories_collection ON stories(collection_id);
CREATE INDEX stories_teller ON stories(teller_id);
CREATE INDEX stories_source_id ON stories(collection_id, source_id);

CREATE TABLE answers (
    id          INTEGER PRIMARY KEY,
    story_id    TEXT REFERENCES stories(id) ON DELETE CASCADE,
    teller_id   TEXT REFERENCES tellers(id) ON DELETE CASCADE,
    question_id TEXT NOT NULL REFERENCES questions(id),
    value       TEXT NOT NULL,               -- JSON: string, number, bool or list
    CHECK ((story_id IS NULL) != (teller_id IS NULL))
) STRICT;
CREATE UNIQUE INDEX answers_story ON answers(story_id, question_id) WHERE story_id IS NOT NULL;
CREATE UNIQUE INDEX answers_teller ON answers(teller_id, question_id) WHERE teller_id IS NOT NULL;
CREATE INDEX answers_question ON answers(question_id);

CREATE TABLE rejects (
    id         INTEGER PRIMARY KEY,
    import_id  INTEGER REFERENCES imports(id) ON DELETE CASCADE,
    file       TEXT NOT NULL,
    locator    TEXT,
    reason     TEXT NOT NULL,
    raw        TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) STRICT;
CREATE UNIQUE INDEX rejects_once ON rejects(file, COALESCE(locator, ''), reason);
