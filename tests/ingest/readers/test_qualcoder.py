from __future__ import annotations

from pni.ingest.readers.qualcoder import opens


def test_bracketed_speaker_tags_but_not_marks() -> None:
    assert opens("[id1] I liked the club.") == ("id1", "I liked the club.")
    assert opens("[Maria] We came in May.") == ("Maria", "We came in May.")
    assert opens("[inaudible] and then we left") is None
    assert opens("[laughs] yes") is None
    assert opens("[00:01:02] words") is None
