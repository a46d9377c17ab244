-- What a sensemaking session made, as NarraFirma records it (issue 22): besides outcomes, the
-- resonant stories and patterns (pivot, voice, discovery), the constructions (timeline,
-- landscape, story elements, composite story), the facilitator's reflections and the session's
-- own notes, all in `outcomes`, told apart by `section`. `kind` keeps pni's seven kinds (for
-- older readers); `type` is the record's own type (NarraFirma's sixteen outcome types...).

ALTER TABLE outcomes ADD COLUMN section TEXT NOT NULL DEFAULT 'outcome';
ALTER TABLE outcomes ADD COLUMN type TEXT;
ALTER TABLE outcomes ADD COLUMN name TEXT;
ALTER TABLE outcomes ADD COLUMN why TEXT;
ALTER TABLE outcomes ADD COLUMN said TEXT;
ALTER TABLE outcomes ADD COLUMN detail TEXT NOT NULL DEFAULT '{}';  -- JSON: order, placements
