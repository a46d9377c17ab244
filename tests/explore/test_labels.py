"""Short names for questions (pni.explore.labels): the samples' questions, made-up ones, the
fallbacks to the question id, and a project's overrides."""

from __future__ import annotations

import pytest
import yaml

from pni.explore.labels import Labels, clauses, past, short_name
from tests.conftest import REPO

#: the sample form's questions (sample_stories/story_form) and the names a catalyst would use
SAMPLES = {
    "role": ("Which describes you?", "role"),
    "school": ("Which school is this story about?", "school"),
    "grade_band": ("Which grades are you in, work with, or does your child attend?", "grades"),
    "feeling": ("How did you feel when this happened?", "feeling"),
    "who_helped": ("In this story, who helped?", "who helped"),
    "belonging": ("In this story, how much did you feel you belonged?", "belonging"),
    "listened_to": ("In this story, did someone listen to you?", "someone listened"),
    "how_common": ("How often does something like this happen?", "how often it happens"),
    "topics": ("What is this story about? Pick as many as fit.", "topic"),
    "surprise": ("How surprising was what happened?", "surprise"),
}


@pytest.mark.parametrize("qid", sorted(SAMPLES))
def test_the_sample_questions(qid: str) -> None:
    text, want = SAMPLES[qid]
    assert short_name(text, qid) == want


def test_the_sample_form_still_asks_these() -> None:
    """The table above is the form's text, so a reworded sample form is noticed here."""
    doc = yaml.safe_load((REPO / "prompts" / "story_questions.yaml").read_text("utf-8"))
    texts = {q["id"]: q["text"] for q in doc["questions"]}
    for qid, (text, _) in SAMPLES.items():
        if qid in texts:
            assert texts[qid] == text


@pytest.mark.parametrize(("text", "want"), [
    # framing stripped, the content kept
    ("Thinking about this story, how much did you feel respected?", "respect"),
    ("How much did you feel that you were respected?", "respect"),
    ("How much did you feel supported by adults?", "support"),
    ("How much did you belong?", "belonging"),
    ("How much did you feel you mattered?", "mattering"),
    ("How important was this to you?", "importance"),
    ("How hopeful were you afterwards?", "hope"),
    ("How long did it last?", "how long"),
    ("What kind of place was it?", "place"),
    ("Who made the decision?", "who made the decision"),
    ("Who helped you most?", "who helped"),
    ("Did a teacher help?", "a teacher helped"),
    ("Was the problem solved?", "the problem was solved"),
    ("Did you get the help you needed?", "got help"),
    ("On a scale of 1 to 5, how satisfied were you?", "satisfaction"),
    ("Overall, how likely are you to tell this story again?", "likelihood"),
    ("To what extent did you feel included?", "feeling included"),
    ("How would you rate the support you got?", "support"),
    # already a name: kept as it is (lower case)
    ("Grade band", "grade band"),
    ("Topics", "topics"),
])
def test_made_up_questions(text: str, want: str) -> None:
    assert short_name(text, "q1") == want


def test_fallbacks() -> None:
    # no rule fits: a readable id wins over the words of the question
    assert short_name("Which describes you?", "role") == "role"
    assert short_name("Please rate the overall vibe of the event you attended", "event_vibe") \
        == "event vibe"
    # an id nobody can read: a short question stays as asked, a long one falls back to the id
    assert short_name("Where did this happen?", "q7") == "where did this happen"
    assert short_name("Quel est votre rôle ?", "q3") == "quel est votre rôle"
    assert short_name("Please rate the overall vibe of the event you attended last spring",
                      "col_3") == "col_3"
    assert short_name("Was this story mostly positive or negative?", "q9") == "q9"


def test_yes_no_clauses() -> None:
    assert clauses("In this story, did someone listen to you?") == (
        "someone listened", "no one listened")
    assert clauses("Did anyone help?") == ("someone helped", "no one helped")
    assert clauses("Did you feel safe?") == ("the teller felt safe", "the teller did not feel safe")
    assert clauses("Was the problem solved?") == (
        "the problem was solved", "the problem was not solved")
    assert clauses("Which school is this story about?") is None
    assert clauses("Was this story mostly positive or negative?") is None  # a choice
    assert [past(v) for v in ("listen", "care", "try", "stay", "tell")] == [
        "listened", "cared", "tried", "stayed", "told"]


def test_labels_are_unique_and_overridable() -> None:
    labels = Labels({"listened_to": {"name": "being heard", "yes": "someone heard them",
                                     "no": "nobody heard them"}, "role": "part in school"})
    heard = labels.of("listened_to", "In this story, did someone listen to you?", boolean=True)
    assert (heard.name, heard.yes, heard.no) == ("being heard", "someone heard them",
                                                 "nobody heard them")
    assert labels.of("role", "Which describes you?").name == "part in school"
    plain = Labels()
    b = plain.of("listened_to", "Did someone listen?", boolean=True)
    assert (b.name, b.yes, b.no) == ("someone listened", "someone listened", "no one listened")
    # a choice question is never given yes/no clauses, even when its text reads like one
    assert plain.of("q2", "Did someone listen to you at home?").yes is None
    # two questions that would share a name are told apart by their ids
    a = plain.of("feel_start", "How did you feel at the start?")
    c = plain.of("feel_end", "How did you feel at the end?")
    assert (a.name, c.name) == ("feeling", "feeling (feel_end)")
    assert plain.of("feel_start", "How did you feel at the start?").name == "feeling"
