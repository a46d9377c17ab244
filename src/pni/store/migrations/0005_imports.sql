-- Imports you can undo and annotations you can add.
-- An import is one file read by `pni collect` or `pni annotate`; `pni imports remove` keeps its row
-- (marked removed, with what the removal did) so the store's history stays readable.

ALTER TABLE imports ADD COLUMN kind TEXT NOT NULL DEFAULT 'collect'
    CHECK (kind IN ('collect', 'annotate'));
ALTER TABLE imports ADD COLUMN removed_at TEXT;
ALTER TABLE imports ADD COLUMN removal TEXT NOT NULL DEFAULT '{}';  -- JSON: what removing it did
ALTER TABLE imports ADD COLUMN counts TEXT NOT NULL DEFAULT '{}';   -- JSON: annotate's answer counts

-- NULL: the answer came with its story (its import is the story's); else the annotate import.
ALTER TABLE answers ADD COLUMN import_id INTEGER REFERENCES imports(id);

-- A run whose stories changed after it was made (a removed import): NULL while it is current.
ALTER TABLE runs ADD COLUMN stale TEXT;

-- Answers an annotate import replaced (only with --replace-answers), restored when it is removed.
CREATE TABLE replaced_answers (
    import_id   INTEGER NOT NULL REFERENCES imports(id),
    story_id    TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    question_id TEXT NOT NULL REFERENCES questions(id),
    value       TEXT NOT NULL,               -- JSON, as in answers.value
    was_import  INTEGER REFERENCES imports(id),  -- answers.import_id of the replaced answer
    PRIMARY KEY (import_id, story_id, question_id)
) STRICT;

CREATE INDEX stories_import ON stories(import_id);
CREATE INDEX answers_import ON answers(import_id) WHERE import_id IS NOT NULL;
CREATE INDEX imports_file ON imports(file);
