-- Composite stories (issue 22): a story a sensemaking group wrote from the cards in front of
-- it is kept as a story of kind 'composite' (its own card code, C1, C2, ...), linked here to the
-- cards it was made from, in the order the group named them. Composite stories are not raw
-- stories of personal experience: pni does not cluster, explore or print them as cards; the
-- report, the return page and `pni stories show` print them with their cards.

CREATE TABLE story_sources (
    story_id  TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,   -- the composite story
    source_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,   -- a card it drew on
    position  INTEGER NOT NULL,                                          -- 1, 2, ... as written
    PRIMARY KEY (story_id, source_id)
) STRICT;
CREATE INDEX story_sources_source ON story_sources(source_id);
