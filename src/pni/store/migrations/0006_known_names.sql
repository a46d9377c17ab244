-- Every name pni has seen (tellers, speakers, listeners, survey recipients, the names file), kept
-- only as keyed hashes of their folded words so outputs can redact them (pni.privacy.names).

CREATE TABLE known_names (
    digest           TEXT PRIMARY KEY,        -- blake2b(folded name, key = the store's salt)
    words            INTEGER NOT NULL,        -- 1, or the words of a full name
    capitalised_only INTEGER NOT NULL,        -- 1: also an ordinary word ("Will", "Bell")
    source           TEXT NOT NULL            -- teller, speaker, listener, metadata, names-file
) STRICT;
