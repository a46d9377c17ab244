from __future__ import annotations

from pathlib import Path

from pni.ingest import CollectOptions, collect
from pni.ingest.transcripts import parse_lines, turns_to_candidates
from pni.store import Store
from pni.store.stories import list_stories


def _lines(text: str) -> list[tuple[int, str]]:
    return list(enumerate(text.split("\n"), 1))


def test_empathy_interview_txt(store: Store, fix: Path) -> None:
    rep = collect(store, [fix / "interview.txt"], CollectOptions())
    f = rep.files[0]
    assert (f.kind, f.read, f.stored) == ("empathy-interview", 3, 3)
    s = list_stories(store)
    assert [x.source_kind for x in s] == ["empathy-interview", "empathy-interview", "reflection"]
    assert s[0].prompt == "Can you tell me about a time you felt welcome at the school?"
    assert "sticky note" in s[0].text  # continuation line joined to the turn
    assert "grades" in s[1].text and "embarrassed" in s[1].text  # two turns, one story
    assert s[0].teller_answers == {"role": "parent", "school": "Alder Middle School",
                                   "grade_band": "6-8"}
    assert s[0].consent == "yes" and s[0].date == "2026-03-12"
    assert s[2].prompt == "What stood out to you?" and s[2].teller_id != s[0].teller_id
    assert s[0].provenance and s[0].provenance.locator == "turn 2 (line 13)"


def test_kiva_panel_vtt(store: Store, fix: Path) -> None:
    rep = collect(store, [fix / "panel.vtt"], CollectOptions(kind="kiva-panel"))
    assert rep.files[0].stored == 4
    s = list_stories(store)
    kinds = [x.source_kind for x in s]
    assert kinds == ["kiva-panel", "kiva-panel", "kiva-panel", "reflection"]
    jayden, priya1, priya2, patel = s
    assert jayden.prompt == priya1.prompt == "When did a teacher make you feel like you mattered?"
    assert "hallway" in jayden.text  # consecutive cues by one voice are one turn
    assert priya1.teller_id == priya2.teller_id != jayden.teller_id
    assert priya1.consent == "no" and jayden.consent == "yes"  # per-teller consent
    assert jayden.teller_answers["role"] == "student"
    assert patel.prompt == "What did you hear, as the adults in the room?"
    assert jayden.provenance and jayden.provenance.locator == "turn 2 (cue 2)"


def test_srt_guessed_kiva(store: Store, fix: Path) -> None:
    rep = collect(store, [fix / "panel.srt"], CollectOptions())
    f = rep.files[0]
    assert f.kind == "kiva-panel" and any("guessed" in n for n in f.notices)
    s = list_stories(store)
    assert len(s) == 2 and "counselor" in s[0].text  # a cue without a name continues the turn


def test_listener_option(store: Store, tmp_path: Path) -> None:
    p = tmp_path / "t.txt"
    p.write_text("Coach: What was hard?\nKim: Tryouts.\nCoach: And good?\nKim: The bus rides.\n")
    rep = collect(store, [p], CollectOptions(kind="empathy-interview", listeners=["Coach"]))
    assert rep.files[0].stored == 2
    assert [s.prompt for s in list_stories(store)] == ["What was hard?", "And good?"]


def test_transcript_without_turns_is_one_story_and_says_so(store: Store, tmp_path: Path) -> None:
    p = tmp_path / "t.txt"
    p.write_text("just words\n")
    rep = collect(store, [p], CollectOptions(kind="kiva-panel"))
    f = rep.files[0]
    assert (f.error, f.read, f.stored, f.kind) == (None, 1, 1, "kiva-panel")
    assert any("no speakers could be told apart (no speaker names): stored as ONE story" in n
               for n in f.notices)
    assert [s.text for s in list_stories(store)] == ["just words"]


def test_turns_to_candidates_panel_grouping() -> None:
    parsed = parse_lines(_lines(
        "Moderator: Q1?\nA: a1\nB: b1\nA: a1 more\nModerator: Q2?\nB: b2\n[Debrief]\n"
        "Moderator: What did you hear?\nParent: I heard a lot.\nTeacher: The bus story stayed."))
    c, _ = turns_to_candidates(parsed.turns, kind="kiva-panel", listeners=["Moderator"],
                            teller_attrs={}, single_teller=None, source_id="K")
    assert [(x.teller, x.prompt, x.kind) for x in c] == [
        ("A", "Q1?", "kiva-panel"), ("B", "Q1?", "kiva-panel"), ("B", "Q2?", "kiva-panel"),
        ("Parent", "What did you hear?", "reflection"),
        ("Teacher", "What did you hear?", "reflection")]
    assert c[0].text == "a1\n\na1 more"
    assert c[0].source_id == "K/turn-2"


def test_a_follow_up_goes_on_with_the_story_just_told(tmp_path: Path) -> None:
    """'What happened next?' and 'Tell me more about that.' ask the teller to go on: the answer
    is the same story, so no card starts mid-thought; a new question starts a new story."""
    from pni.store.stories import list_stories

    p = tmp_path / "interview.txt"
    p.write_text("Interviewer: Tell me about a day this year you keep coming back to.\n\n"
                 "Dana: The day the heating failed and we taught in coats.\n\n"
                 "Interviewer: What happened next?\n\n"
                 "Dana: The kids started a blanket drive on their own.\n\n"
                 "Interviewer: Tell me more about that.\n\n"
                 "Dana: By Friday every room had a basket.\n\n"
                 "Interviewer: Now tell me about a time you felt your work was seen.\n\n"
                 "Dana: A parent wrote me a letter in June.\n", "utf-8")
    with Store.open(tmp_path / "pni.db") as db:
        collect(db, [p], CollectOptions(kind="empathy-interview", listeners=["Interviewer"]))
        stories = list_stories(db)
    assert [s.prompt for s in stories] == [
        "Tell me about a day this year you keep coming back to.",
        "Now tell me about a time you felt your work was seen."]
    assert stories[0].text.splitlines()[-1] == "By Friday every room had a basket."
    assert "What happened next?" not in stories[0].text  # the teller's words only
