-- Catalysis results: one row per `pni explore` call, and its ranked observations.

CREATE TABLE explorations (
    id             INTEGER PRIMARY KEY,
    run_id         INTEGER REFERENCES runs(id) ON DELETE CASCADE,  -- NULL: answer lens only
    created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    params         TEXT NOT NULL DEFAULT '{}',   -- JSON: min_subset, q_threshold, lumps, ...
    n_stories      INTEGER NOT NULL DEFAULT 0,
    n_tests        INTEGER NOT NULL DEFAULT 0,
    n_observations INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX explorations_run ON explorations(run_id);

CREATE TABLE observations (
    id              INTEGER PRIMARY KEY,
    exploration_id  INTEGER NOT NULL REFERENCES explorations(id) ON DELETE CASCADE,
    rank            INTEGER NOT NULL,             -- 1 = most notable (lowest q, then largest effect)
    lens            TEXT NOT NULL,                -- 'pattern' or 'answer'
    kind            TEXT NOT NULL,                -- e.g. 'pattern_choice', 'choice_choice', ...
    text            TEXT NOT NULL,                -- the observation in plain words
    numbers         TEXT NOT NULL DEFAULT '{}',   -- JSON: the numbers behind it
    story_ids       TEXT NOT NULL DEFAULT '[]',   -- JSON list: the stories behind it
    interpretations TEXT NOT NULL DEFAULT '[]',   -- JSON list: >= 2 competing interpretations
    q               REAL,
    effect          REAL,
    effect_name     TEXT,
    UNIQUE (exploration_id, rank)
) STRICT;
