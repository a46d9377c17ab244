import pytest

from pni.errors import UsageError
from pni.models import Question
from pni.privacy.metadata import card_question_ids, is_metadata


def _q(qid: str, about: str = "story", text: str = "", kind: str = "choice") -> Question:
    return Question(id=qid, text=text or qid, kind=kind, about=about)


QS = {q.id: q for q in [_q("feeling"), _q("ipaddress", "teller", "IPAddress"),
                        _q("locationlatitude", "story", "LocationLatitude", "text"),
                        _q("role", "teller"), _q("birth_year", "teller", kind="text"),
                        _q("country", "teller")]}


@pytest.mark.parametrize("name", ["IPAddress", "LocationLatitude", "RecipientEmail",
                                  "RecipientFirstName", "ResponseId", "StartDate",
                                  "Duration (in seconds)", "UserAgent", "location_longitude"])
def test_survey_metadata_is_recognised(name: str) -> None:
    assert is_metadata(name.lower(), name)


@pytest.mark.parametrize("name", ["role", "feeling", "grade", "What happened?", "consent"])
def test_answers_are_not_metadata(name: str) -> None:
    assert not is_metadata(name, name)


def test_default_cards_print_story_questions_and_role() -> None:
    assert card_question_ids(QS, None) == {"feeling", "role"}


def test_asked_questions_but_never_metadata() -> None:
    assert card_question_ids(QS, ["feeling", "country", "ipaddress"]) == {"feeling", "country"}
    with pytest.raises(UsageError, match="no question nope"):
        card_question_ids(QS, ["nope"])
