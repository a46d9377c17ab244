"""Round two of real layouts (issue 20): each way a real transcript was read wrong, on a fixture of
pni's own in that layout. A whole interview is never merged into one story; a conversation pni
cannot read as an interview is refused with the choice named; header lines are details, never
turns; ``--kind other`` keeps any transcript one story."""

from __future__ import annotations

from pathlib import Path

import pytest

from pni.ingest import CollectOptions, collect
from pni.ingest.models import FileReport
from pni.ingest.readers.tables import read_csv
from pni.store import Store
from pni.store.stories import list_stories, source_meta, teller_names

TX = Path(__file__).resolve().parent.parent / "fixtures" / "ingest" / "transcripts"
Row = tuple[str | None, str | None, str]  # prompt, teller, first words


def _collect(store: Store, path: Path, **opts: object) -> tuple[FileReport, list[Row]]:
    rep = collect(store, [path], CollectOptions(keep_names=True, **opts))  # type: ignore[arg-type]
    f = rep.files[0]
    assert f.error is None and f.balanced, f
    names = teller_names(store)
    return f, [(s.prompt, names.get(s.teller_id or ""), s.text) for s in list_stories(store)]


def _has(f: FileReport, *parts: str) -> None:
    assert any(all(p in n for p in parts) for n in f.notices), f.notices


def test_markdown_heading_speakers_are_turns_not_one_story(store: Store) -> None:
    f, rows = _collect(store, TX / "headings.md")
    assert (f.kind, f.read, f.stored) == ("empathy-interview", 3, 3)
    assert [(p, t) for p, t, _ in rows] == [
        ("What did your first week on nights look like?", "Nurse"),
        ("Who helped you most?", "Nurse"), ("And when did it get easier?", "Nurse")]
    assert rows[1][2] == ("The porter, Mr. Abebe. He knew every shortcut between the wards and"
                          " walked me through them at\nthree in the morning.\n\nMm-hmm, he still"
                          " does.")
    assert not any("###" in text or "Interviewer" in text for _, _, text in rows)
    assert {s.title for s in list_stories(store)} == {"Night shift interviews, ward 4"}
    _has(f, "transcript: Markdown headings (### Speaker); speakers: Interviewer (3 turns),"
            " Nurse (3 turns)")


def test_markdown_chapter_headings_that_never_repeat_are_not_speakers(store: Store,
                                                                      tmp_path: Path) -> None:
    p = tmp_path / "story.md"
    p.write_text("# Our garden\n\n## Spring\n\nWe dug the beds.\n\n## Summer\n\nTomatoes.\n\n"
                 "## Autumn\n\nWe gave the squash away.\n")
    f, rows = _collect(store, p)
    assert (f.kind, f.read) == ("other", 1)
    assert rows[0][2].startswith("## Spring")


def test_bold_otter_pasted_into_markdown(store: Store) -> None:
    f, rows = _collect(store, TX / "otter_bold.md")
    assert (f.kind, f.read, f.stored) == ("empathy-interview", 3, 3)
    assert [(p, t) for p, t, _ in rows] == [
        ("Thanks for sitting down with me. Can you tell me how the community fridge started?",
         "Ruth Okoye"), ("What happened the first winter?", "Ruth Okoye"),
        ("Who comes now?", "Ruth Okoye")]
    assert not any("**" in text or "0:" in text for _, _, text in rows)
    _has(f, "Otter.ai in Markdown (**Name**  0:42)")


def test_speaker_labels_in_any_script(store: Store) -> None:
    f, rows = _collect(store, TX / "korean.txt")
    assert (f.kind, f.read, f.stored) == ("empathy-interview", 3, 3)
    assert [(p, t) for p, t, _ in rows] == [
        ("처음 이 동네에 왔을 때 이야기를 해 주시겠어요?", "참여자"),
        ("가장 힘들었던 때는 언제였나요?", "참여자"), ("지금은 어떠세요?", "참여자")]
    assert all("인터뷰어" not in text for _, _, text in rows)
    _has(f, "listener: 인터뷰어 (known by the name")


def test_korean_listener_given_is_a_speaker(store: Store) -> None:
    f, rows = _collect(store, TX / "korean.txt", listeners=["인터뷰어"])
    assert f.read == 3 and {t for _, t, _ in rows} == {"참여자"}
    _has(f, "listener: 인터뷰어 (given)")
    assert not any("none of the speakers" in n for n in f.notices)


def test_listener_named_in_another_script_is_a_speaker(store: Store, tmp_path: Path) -> None:
    p = tmp_path / "zh.txt"
    p.write_text("访谈人：你第一次来图书馆是什么时候？\n读者：小学三年级，老师带我们来的。\n"
                 "访谈人：后来呢？\n读者：我每个周末都来，管理员总给我留新书。\n")
    f, rows = _collect(store, p, listeners=["访谈人"])
    assert [(pr, t) for pr, t, _ in rows] == [("你第一次来图书馆是什么时候？", "读者"),
                                              ("后来呢？", "读者")]
    _has(f, "listener: 访谈人 (given)")
    assert not any("none of the speakers" in n for n in f.notices)


@pytest.mark.parametrize("name", ["otter_oneturn.txt", "teams_ids.vtt"])
def test_a_speaker_heard_once_is_never_the_listener(store: Store, name: str) -> None:
    f, rows = _collect(store, TX / name)
    assert (f.kind, f.read, f.stored) == ("empathy-interview", 3, 3)
    tellers = {t for _, t, _ in rows}
    assert tellers == ({"Lou Berger"} if name.startswith("otter") else {"5d03c8f7"})
    assert all(p for p, _, _ in rows)  # every story answers a question
    _has(f, "listener guessed:", "short turns before long ones")
    _has(f, "heard once, asking:")


def test_oral_history_header_is_details_not_turns(store: Store) -> None:
    f, rows = _collect(store, TX / "oral_history.txt")
    assert (f.kind, f.read, f.stored) == ("empathy-interview", 3, 3)
    assert [(p, t) for p, t, _ in rows] == [
        ("Where did you start at the mill?", "Agnes Whitlow"),
        ("What do you remember of the strike?", "Agnes Whitlow"),
        ("And the day the mill closed?", "Agnes Whitlow")]
    assert not any("Copyright" in text for _, _, text in rows)
    stories = list_stories(store)
    assert {(s.title, s.date) for s in stories} == {
        ("The Harbour Mill Oral History Project", "2003-05-14")}
    assert len({s.teller_id for s in stories}) == 1
    meta = source_meta(store, stories[0].id)
    assert meta["Place"] == "Harbour Mill Community Hall" and "2003 Harbour" in meta["copyright"]
    _has(f, "the header names the interviewer: listener MARSH")
    _has(f, "6 header line(s) read as the transcript's details")
    assert not any("before the first turn ignored" in n for n in f.notices)


def test_oral_history_header_names_are_known_for_redaction(store: Store) -> None:
    from pni.privacy.known import name_index

    collect(store, [TX / "oral_history.txt"])
    idx = name_index(store)
    redacted = idx.redact("Peter Marsh met Agnes Whitlow at the hall.")
    assert "Marsh" not in redacted and "Whitlow" not in redacted


def test_a_two_person_meeting_is_refused_naming_the_speakers_and_options(store: Store) -> None:
    rep = collect(store, [TX / "meeting.vtt"])
    f = rep.files[0]
    assert f.error is not None and not list_stories(store)
    assert "cannot tell an interview from a conversation" in f.error
    assert "Jordan Lee (4 turns), Sam Park (4 turns)" in f.error
    for option in ("--listener NAME", "--kind kiva-panel", "--kind other"):
        assert option in f.error


def test_a_meeting_read_as_the_user_chose(store: Store) -> None:
    f, rows = _collect(store, TX / "meeting.vtt", kind="kiva-panel")
    assert (f.read, f.stored) == (8, 8) and all(p is None for p, _, _ in rows)
    _has(f, "no speaker asks the questions: each turn is a story")


@pytest.mark.parametrize("name", ["meeting.vtt", "teams.vtt", "zoom.vtt", "host_guest.srt",
                                  "table.csv", "otter.txt", "headings.md"])
def test_kind_other_keeps_every_transcript_one_story(store: Store, name: str) -> None:
    f, rows = _collect(store, TX / name, kind="other")
    assert (f.kind, f.read, f.stored) == ("other", 1, 1)
    assert len({t for _, t, _ in rows}) == 1


def test_kind_other_on_captions_keeps_each_voice_named(store: Store) -> None:
    f, rows = _collect(store, TX / "meeting.vtt", kind="other")
    assert rows[0][2].startswith("Jordan Lee: Okay, shall we go through the budget first?\n\n"
                                 "Sam Park: Yes. Did you get the new figures from finance?")
    _has(f, "--kind other: the transcript is ONE story")


def test_transcript_table_is_read_as_turns(store: Store) -> None:
    f, rows = _collect(store, TX / "table.csv")
    assert (f.format, f.kind, f.read, f.stored, f.rejected) == ("csv", "empathy-interview", 2, 2,
                                                                0)
    assert rows == [
        ('So what is the "walking bus, the one with the flag" for people who have never seen it?',
         "Bea Moreno",
         'Six parents, twenty kids, one route. We call out "bus stop, bus stop!" at every corner'
         ' and the'
         ' kids in slippers run out to join. It started because the crossing at Elm Street had'
         ' no guard.'),
        ("What happens on a rainy day?", "Bea Moreno",
         'Everybody comes, "rain, or shine" is the rule, and Mr. Osei hands out bin bags as'
         ' ponchos.\n\nThe kids love the bin bags more than the walking, honestly.')]
    _has(f, "transcript table (columns timestamp, speaker, words)")
    _has(f, "--map text='words'")


def test_transcript_table_as_rows_when_mapped(store: Store) -> None:
    f, _ = _collect(store, TX / "table.csv", mapping={"text": "words"})
    assert (f.read, f.stored) == (7, 7)


def test_doubled_quotes_never_make_rows_ragged(tmp_path: Path) -> None:
    """csv.Sniffer guesses from this file that doubled quotes are not escapes (each holds a
    comma), which split 3 of its rows into 5-6 cells; Python's csv module reads 4 in each."""
    import csv

    t = read_csv(TX / "table.csv")[0]
    with open(TX / "table.csv", newline="") as fh:
        want = list(csv.reader(fh))[1:]
    assert [r.error for r in t.rows] == [None] * len(want)
    assert [r.cells for r in t.rows] == want
    p = tmp_path / "semi.csv"  # a semicolon file is still told apart
    p.write_text('id;story\n1;"She said ""no""; then left"\n2;plain\n')
    t = read_csv(p)[0]
    assert t.header == ["id", "story"] and t.rows[0].cells == ["1", 'She said "no"; then left']


def test_teams_docx_transcript(store: Store) -> None:
    f, rows = _collect(store, TX / "teams.docx")
    assert (f.format, f.kind, f.read, f.stored) == ("docx", "empathy-interview", 3, 3)
    assert rows == [
        ("Thanks for joining. How has the winter been in the building?", "Tomasz Nowak",
         "Cold, at first. The boiler stopped on the second night of the frost and the whole third"
         " floor slept in their coats.\n\nThen Mrs. Adeyemi on the ground floor opened her flat"
         " and made tea for everyone until the engineer came."),
        ("What changed after that?", "Tomasz Nowak",
         "We made a phone tree. Now when something breaks, ten people know within the hour."),
        ("And who keeps the phone tree going?", "Tomasz Nowak",
         "My daughter. She is eleven and she takes it very seriously.")]
    assert {(s.title, s.date) for s in list_stories(store)} == {
        ("Tenant check-in, Linden Court", "2026-01-15")}
    assert not any("transcription" in text for _, _, text in rows)


def test_headings_with_the_options_a_user_gives(store: Store) -> None:
    f, rows = _collect(store, TX / "headings.md", kind="empathy-interview",
                       listeners=["Interviewer"])
    assert next((p, t) for p, t, _ in rows) == (
        "What did your first week on nights look like?", "Nurse")
    assert f.read == 3 and not any("Interviewer" in text for _, _, text in rows)
    _has(f, "listener: Interviewer (given)")


def test_long_answers_are_still_turns(store: Store, tmp_path: Path) -> None:
    answer = "\n".join(f"Line {i} of a long answer about the harbour." for i in range(12))
    body = "".join(f"Ana Silva: Question {i}, what happened then?\n\nJoão Costa: {answer}\n\n"
                   for i in range(5))
    p = tmp_path / "long.txt"
    p.write_text(body)
    f, rows = _collect(store, p)
    assert (f.kind, f.read) == ("empathy-interview", 5)
    assert all(t == "João Costa" for _, t, _ in rows)


def test_a_story_quoting_a_dialogue_says_so(store: Store, tmp_path: Path) -> None:
    p = tmp_path / "story.txt"
    p.write_text("We argued all the way home.\n\nMom: Where were you?\nMe: At the library.\n\n"
                 "Then she laughed, and the whole week felt lighter. The library was the only"
                 " warm place\nin town that winter, and the librarian let us stay until nine.\n"
                 "Nobody else knew.\nI still go back.\nIt is smaller now.\nThe chairs are new.\n")
    f, _rows = _collect(store, p)
    assert (f.kind, f.read) == ("other", 1)
    _has(f, "look like turns", "Mom, Me", "kept as ONE story", "--kind empathy-interview")


def test_docx_table_with_a_time_column(store: Store, tmp_path: Path) -> None:
    import docx

    d = docx.Document()
    t = d.add_table(rows=0, cols=3)
    for at, who, words in [("00:01", "Interviewer", "Who taught you to swim?"),
                           ("00:04", "Kemal", "My uncle, in the reservoir, with a rope."),
                           ("00:09", "Interviewer", "Were you scared?"),
                           ("00:11", "Kemal", "Only of the fish.")]:
        cells = t.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = at, who, words
    d.save(str(tmp_path / "table.docx"))
    f, rows = _collect(store, tmp_path / "table.docx")
    assert f.kind == "empathy-interview"
    assert rows == [("Who taught you to swim?", "Kemal",
                     "My uncle, in the reservoir, with a rope."),
                    ("Were you scared?", "Kemal", "Only of the fish.")]
