-- A cache of results derived from the stories (issue 23): a clustering keyed by a digest of
-- everything it was computed from (the vectors, the redacted texts, every setting, pni's
-- clustering constants and library versions), so that a second `pni cluster` on unchanged
-- stories and settings reuses it instead of computing it again. Entries are content-addressed
-- (no run refers to them) and few (the least recently used are dropped); removing stories
-- empties the cache, so nothing derived from a withdrawn story stays behind.

CREATE TABLE derived (
    key     TEXT PRIMARY KEY,   -- hex digest of the inputs
    kind    TEXT NOT NULL,      -- what it holds: 'clustering'
    size    INTEGER NOT NULL,   -- bytes of data
    used_at TEXT NOT NULL,      -- last written or read (UTC, ISO 8601): the least recent go first
    data    BLOB NOT NULL
) STRICT;
CREATE INDEX derived_kind ON derived(kind, used_at);
