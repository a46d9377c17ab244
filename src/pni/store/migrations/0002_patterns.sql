-- Embedding cache, cluster runs, patterns and story assignments.

CREATE TABLE embeddings (
    key        TEXT PRIMARY KEY,   -- sha256(model id, weights revision, backend, preprocessing, text hash)
    model      TEXT NOT NULL,
    backend    TEXT NOT NULL,
    text_hash  TEXT NOT NULL,
    dim        INTEGER NOT NULL,
    chunks     INTEGER NOT NULL DEFAULT 1,   -- >1: the text was longer than the model's window
    vector     BLOB NOT NULL,                -- float32, little-endian
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) STRICT;

CREATE TABLE runs (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL DEFAULT 'cluster' CHECK (kind IN ('cluster', 'assign')),
    parent_run  INTEGER REFERENCES runs(id),  -- for `--assign`: the run whose patterns were used
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    seed        INTEGER,
    params      TEXT NOT NULL DEFAULT '{}',   -- JSON: every setting of the run
    versions    TEXT NOT NULL DEFAULT '{}',   -- JSON: library versions
    timings     TEXT NOT NULL DEFAULT '{}',   -- JSON: seconds per stage
    metrics     TEXT NOT NULL DEFAULT '{}',   -- JSON: coverage, n_patterns, validity, ...
    n_stories   INTEGER NOT NULL DEFAULT 0,
    n_patterns  INTEGER NOT NULL DEFAULT 0,
    coverage    REAL
) STRICT;

CREATE TABLE patterns (
    id          INTEGER PRIMARY KEY,          -- global, so `pni patterns show ID` needs no run
    run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    number      INTEGER NOT NULL,             -- 1..k within the run, largest first
    title       TEXT NOT NULL,
    keywords    TEXT NOT NULL DEFAULT '[]',   -- JSON list of strings
    size        INTEGER NOT NULL,
    exemplars   TEXT NOT NULL DEFAULT '[]',   -- JSON list of story ids
    teller_mix  TEXT NOT NULL DEFAULT '{}',   -- JSON: {"role": {"student": 12, ...}, ...}
    centroid    BLOB,                         -- float32 unit vector, for `--assign`
    UNIQUE (run_id, number)
) STRICT;

CREATE TABLE assignments (
    run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    story_id   TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    pattern_id INTEGER REFERENCES patterns(id) ON DELETE CASCADE,  -- NULL: fits no pattern
    strength   REAL,                          -- membership strength 0..1
    assigned   INTEGER NOT NULL DEFAULT 0,    -- 1: attached after clustering (noise or new story)
    x          REAL,                          -- 2-D story map coordinates
    y          REAL,
    PRIMARY KEY (run_id, story_id)
) STRICT;
CREATE INDEX assignments_pattern ON assignments(pattern_id);
