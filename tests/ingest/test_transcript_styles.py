"""Each transcript style, collected with no options, as a new user would: exact stories, prompts,
tellers, accounting and the notices that say what was recognised and guessed."""

from __future__ import annotations

from pathlib import Path

import pytest

from pni.ingest import CollectOptions, collect
from pni.ingest.models import FileReport
from pni.ingest.transcripts import parse_lines, turns_to_candidates
from pni.store import Store
from pni.store.stories import list_stories, teller_names

Row = tuple[str | None, str | None, str, str]  # prompt, teller, text, kind


def _collect(store: Store, path: Path, **opts: object) -> tuple[FileReport, list[Row]]:
    rep = collect(store, [path], CollectOptions(keep_names=True, **opts))  # type: ignore[arg-type]
    names = teller_names(store)
    rows = [(s.prompt, names.get(s.teller_id or ""), s.text, s.source_kind)
            for s in list_stories(store)]
    f = rep.files[0]
    assert f.error is None and f.balanced
    return f, rows


@pytest.fixture
def tx(fix: Path) -> Path:
    return fix / "transcripts"


def _has(f: FileReport, *parts: str) -> None:
    assert any(all(p in n for p in parts) for n in f.notices), f.notices


def test_zoom_vtt_guesses_the_listener_and_joins_continuation_cues(store: Store, tx: Path) -> None:
    f, rows = _collect(store, tx / "zoom.vtt")
    assert (f.kind, f.read, f.stored, f.duplicates, f.rejected) == ("empathy-interview", 2, 2, 0, 0)
    assert rows == [
        ("Thanks for making time, Tom. Can you tell me about the day your son started at Alder?",
         "Tom Okafor",
         "Sure. We got there late because the bus never came, and the office was already closed"
         " for lunch. A custodian walked us all the way to the classroom and told the teacher his"
         " name.\n\nHe still waves at that man every morning.", "empathy-interview"),
        ("What happened the first time you needed something from the school?", "Tom Okafor",
         "Yeah. I asked for the lunch form in French and they printed one the same afternoon.",
         "empathy-interview")]
    _has(f, "transcript: Zoom VTT (Name: words cues); speakers: Carla Mendes (3 turns),"
            " Tom Okafor (3 turns)")
    _has(f, "listener guessed: Carla Mendes (turns ending on a question: 2 of 2")
    _has(f, "kind guessed: empathy-interview (1 teller)")
    _has(f, "--kind empathy-interview --listener 'Carla Mendes'")
    _has(f, "1 backchannel turn(s)")


def test_teams_vtt_panel(store: Store, tx: Path) -> None:
    f, rows = _collect(store, tx / "teams.vtt")
    assert (f.kind, f.read, f.stored) == ("kiva-panel", 3, 3)
    q1 = "Welcome, everyone. When did a teacher make you feel you belonged here?"
    assert rows == [
        (q1, "Jayden Brooks", "In art, Ms. Patel hung my drawing next to the door. Everybody saw"
         " it on the way out.", "kiva-panel"),
        (q1, "Priya Shah", "When my grandmother died, my science teacher let me redo the lab the"
         " next week.", "kiva-panel"),
        ("And when did school feel like too much?", "Priya Shah",
         "Testing week. Three tests on one day and nobody noticed.", "kiva-panel")]
    _has(f, "Teams VTT (<v Name> voices)")
    _has(f, "listener guessed: Ana Ruiz")
    _has(f, "--kind kiva-panel --listener 'Ana Ruiz'")


def test_given_options_are_said_to_be_given(store: Store, tx: Path) -> None:
    f, _ = _collect(store, tx / "teams.vtt", kind="kiva-panel", listeners=["Ana Ruiz"])
    assert f.stored == 3
    _has(f, "listener: Ana Ruiz (given)")
    assert not any("guessed" in n or "to confirm" in n for n in f.notices)


def test_host_guest_srt(store: Store, tx: Path) -> None:
    f, rows = _collect(store, tx / "host_guest.srt")
    assert (f.kind, f.read, f.stored) == ("empathy-interview", 2, 2)
    assert rows == [
        ("Welcome back to Hallway Stories. What brought you to volunteer at the library?", "Guest",
         "My daughter could not find a single book with a girl like her on the cover. So I"
         " started a shelf.\n\nNow the shelf is a whole wall.", "empathy-interview"),
        ("Did anyone push back?", "Guest", "One parent wrote to the board, and the librarian"
         " answered every single line.", "empathy-interview")]
    _has(f, "SRT (Name: words cues)")
    _has(f, "listener: Host (known by the name")


def test_srt_without_speakers_is_one_story_and_says_so(store: Store, tx: Path) -> None:
    f, rows = _collect(store, tx / "nospeakers.srt")
    assert (f.kind, f.read, f.stored) == ("other", 1, 1)
    assert rows == [(None, None, "The first week of school the buses ran late every day. Parents"
                     " waited at the corner with umbrellas and somebody started bringing coffee.",
                     "other")]
    _has(f, "SRT without speaker names")
    _has(f, "no speakers could be told apart (no speaker names): stored as ONE story")


def test_otter_txt(store: Store, tx: Path) -> None:
    f, rows = _collect(store, tx / "otter.txt")
    assert (f.kind, f.read, f.stored) == ("empathy-interview", 2, 2)
    assert rows == [
        ("So tell me about the tutoring program. How did it start for you?", "Lina Haddad",
         "It started with one kid in the hallway who could not read the lunch menu.\nI sat with"
         " him for ten minutes, and the next day he brought a friend.\n\nBy October we had a"
         " table in the library.", "empathy-interview"),
        # in an Otter file a "Note: ..." line is words, not a speaker
        ("What was the hardest part?", "Lina Haddad", "Note: we never had a budget. Every marker"
         " came from somebody's kitchen drawer.", "empathy-interview")]
    _has(f, "transcript: Otter.ai (Name  0:03); speakers: Speaker 1 (3 turns),"
            " Lina Haddad (3 turns)")
    _has(f, "listener guessed: Speaker 1")


def test_rev_txt_time_stamped_turns(store: Store, tx: Path) -> None:
    f, rows = _collect(store, tx / "rev.txt")
    assert (f.read, f.stored) == (2, 2)
    assert rows == [
        ("What do you see at lunch that the teachers don't?", "Marisol",
         "Who eats alone. The same three kids, every day, at the end of the long table.\n\nSo I"
         " started saving them the seats by the window.\n\nNow there are eight of them.",
         "empathy-interview"),
        ("And what would you change?", "Marisol",
         "Twenty more minutes. Nobody can eat and talk in eighteen.", "empathy-interview")]
    _has(f, "[00:01:09] Name: (Rev/Descript)")
    _has(f, "1 backchannel turn(s)")  # "Mm-hmm <affirmative>." is no prompt


def test_descript_md_chapter_headings_stripped(store: Store, tx: Path) -> None:
    f, rows = _collect(store, tx / "descript.md")
    assert (f.kind, f.read, f.stored) == ("empathy-interview", 2, 2)
    assert rows == [
        ("This is the family voices project. Today I'm talking with Omar. How long have you"
         " lived on Cedar Street?", "Omar Farouk",
         "Six years now. We came when my oldest was in second grade.", "empathy-interview"),
        ("Tell me about the walk to school. What happens on the way?", "Omar Farouk",
         "There is a crossing guard, Mr. Lee, who knows every kid by name.\n\nHe asks them about"
         " their tests. He remembers.\n\nWhen he was sick for a week, the kids made him a card.",
         "empathy-interview")]
    assert not any("##" in text or "00:" in text for _, _, text, _ in rows)
    _has(f, "[00:01:09] **Name:** (Descript)")
    _has(f, "2 chapter heading(s)")
    _has(f, "2 line(s) before the first turn ignored")  # the table of contents
    _has(f, "2 backchannel turn(s)")  # "<laugh> That's lovely." and "[inaudible]"


def test_qualcoder_focus_group_without_a_listener_is_refused_naming_the_choice(
        store: Store, tx: Path) -> None:
    rep = collect(store, [tx / "focus_group.txt"])
    f = rep.files[0]
    assert f.error is not None and f.read == 0 and not list_stories(store)
    assert "cannot tell an interview from a conversation" in f.error
    assert "id1 (2 turns), id2 (2 turns), id3 (2 turns)" in f.error
    assert "--listener NAME" in f.error and "--kind kiva-panel" in f.error
    assert "--kind other" in f.error


def test_qualcoder_focus_group_each_turn_a_story(store: Store, tx: Path) -> None:
    f, rows = _collect(store, tx / "focus_group.txt", kind="kiva-panel")
    assert (f.kind, f.read, f.stored) == ("kiva-panel", 5, 5)
    assert rows == [
        (None, "id1", "I liked the after-school club because my mom works late and I had"
         " somewhere to be.", "kiva-panel"),
        (None, "id2", "The club was fine but the snacks ran out by four.", "kiva-panel"),
        (None, "id3", "Hmm, yeah.\n\nI only went on Tuesdays because of soccer, but those were"
         " my favourite days.", "kiva-panel"),
        (None, "id1", "The coach learned all our names in one week.", "kiva-panel"),
        (None, "id2", "That's true, he did.", "kiva-panel")]
    _has(f, "QualCoder ([id1] words); speakers: id1 (2 turns), id2 (2 turns), id3 (2 turns)")
    _has(f, "no speaker asks the questions: each turn is a story by its speaker")


def test_timestamped_podcast_without_names_is_one_story(store: Store, tx: Path) -> None:
    f, rows = _collect(store, tx / "podcast.txt")
    assert (f.kind, f.read, f.stored) == ("other", 1, 1)
    assert rows == [(None, None, "Welcome to Bus Stop Diaries, the show about the ten minutes"
                     " before school.\nToday it is raining and the number 12 is late again.\nA"
                     " grandmother shares her umbrella with two kids she has never met.\n\nBy the"
                     " time the bus comes they know each other's names.", "other")]
    _has(f, "transcript: time-stamped lines; speakers: none")
    _has(f, "stored as ONE story")


def test_markdown_bold_and_rev_parenthesised_stamps(store: Store, tmp_path: Path) -> None:
    p = tmp_path / "t.md"
    p.write_text("**Ines:** What did the nurse do?\n\n**Ray:** She called my dad herself.\n\n"
                 "**Ines:** Why?\n\n**Ray:** Because he works nights.\n")
    f, rows = _collect(store, p)
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("What did the nurse do?", "Ray", "She called my dad herself."),
        ("Why?", "Ray", "Because he works nights.")]
    _has(f, "**Name:** (Markdown)")
    q = tmp_path / "rev2.txt"
    q.write_text("Speaker 1 (00:02):\nWhat changed?\n\nSpeaker 2 (00:05):\nThe bell schedule.\n\n"
                 "Speaker 1 (00:09):\nAnd then?\n\nSpeaker 2 (00:11):\nLunch moved to ten.\n")
    f, rows = _collect(store, q)
    assert [(r[0], r[1], r[2]) for r in rows[2:]] == [  # "And then?" asks to go on
        ("What changed?", "Speaker 2", "The bell schedule.\n\nLunch moved to ten.")]


def test_unmatched_listener_is_said(store: Store, tx: Path) -> None:
    f, _ = _collect(store, tx / "rev.txt", listeners=["Interviewer"])
    _has(f, "--listener 'Interviewer' is none of the speakers (Devon, Marisol)")
    _has(f, "listener guessed: Devon")


def test_names_are_kept_on_candidates() -> None:
    lines = ["Ana: When did you feel safe?", "Li: In the library.", "Mo: Mm-hmm.", "Ana: Mm-hmm."]
    parsed = parse_lines(list(enumerate(lines, 1)))
    cands, merged = turns_to_candidates(parsed.turns, kind="kiva-panel", listeners=["Ana"],
                                        teller_attrs={}, single_teller=None, source_id=None)
    assert merged == 2
    assert [(c.teller, c.text, c.names) for c in cands] == [
        ("Li", "In the library.", ["Li", "Ana", "Mo"])]


def test_qualcoder_tags_in_docx(store: Store, tmp_path: Path) -> None:
    import docx

    d = docx.Document()
    for text in ["[id1] The library stayed open late before exams.", "[id2] Mm-hmm.",
                 "[id2] My brother studied there every night."]:
        d.add_paragraph(text)
    d.save(str(tmp_path / "group.docx"))
    f, rows = _collect(store, tmp_path / "group.docx", kind="kiva-panel")
    assert [(r[1], r[2]) for r in rows] == [
        ("id1", "The library stayed open late before exams."),
        ("id2", "Mm-hmm.\n\nMy brother studied there every night.")]
    assert f.read == 2 and f.stored == 2
    _has(f, "QualCoder ([id1] words)")


def test_kind_other_keeps_a_dialogue_one_story(store: Store, tmp_path: Path) -> None:
    p = tmp_path / "story.txt"
    p.write_text("Mom: Where were you?\nMe: At the library.\nMom: Until nine?\nMe: Yes.\n")
    f, rows = _collect(store, p)
    _has(f, "--kind other keeps the file one story")
    f, rows = _collect(store, p, kind="other")
    assert f.stored == 1 and rows[-1][2] == ("Mom: Where were you?\nMe: At the library.\n"
                                             "Mom: Until nine?\nMe: Yes.")
