from __future__ import annotations

from pni.ingest.readers.otter import opens


def test_speaker_and_time_alone_open_a_turn() -> None:
    assert opens("Lina Haddad  0:09") == ("Lina Haddad", "")
    assert opens("Speaker 1  1:02:03") == ("Speaker 1", "")
    assert opens("We met at 5:30") is None  # words, not a speaker
    assert opens("Lina Haddad  0:09 and more") is None
