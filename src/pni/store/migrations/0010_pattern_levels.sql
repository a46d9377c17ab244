-- Patterns at three granularities, per-pattern stability and loosely held stories (issue 12).

ALTER TABLE patterns ADD COLUMN stability REAL;           -- 0..1: how often its stories stay together across seeded runs
ALTER TABLE patterns ADD COLUMN theme INTEGER;            -- number of the theme (pattern_levels) that holds it
ALTER TABLE patterns ADD COLUMN n_loose INTEGER NOT NULL DEFAULT 0;

ALTER TABLE assignments ADD COLUMN loose INTEGER NOT NULL DEFAULT 0;  -- 1: loosely held by its pattern
ALTER TABLE assignments ADD COLUMN sub INTEGER;                        -- number of its sub-pattern, if any

CREATE TABLE pattern_levels (
    run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    level      TEXT NOT NULL CHECK (level IN ('theme', 'sub')),
    number     INTEGER NOT NULL,           -- 1..m within the run and level
    parent     INTEGER,                    -- sub: the number of the pattern it lies in
    title      TEXT NOT NULL,
    keywords   TEXT NOT NULL DEFAULT '[]', -- JSON list of strings
    size       INTEGER NOT NULL,
    patterns   TEXT NOT NULL DEFAULT '[]', -- theme: JSON list of the pattern numbers it holds
    PRIMARY KEY (run_id, level, number)
) STRICT;
