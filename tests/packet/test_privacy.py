from pathlib import Path

import pytest

from pni.errors import UsageError
from pni.privacy import Redactor, filter_consent, load_names, teller_names
from pni.store import Store


def test_redacts_names_whole_words_ignoring_case() -> None:
    r = Redactor(["Rosa Diaz", "Arlo"])
    out = r.redact("ROSA met arlo and Arlowe; rosa diaz left. Diaz's bag.")
    assert out == "[name] met [name] and Arlowe; [name] left. [name]'s bag."


def test_titles_and_short_parts_are_not_names() -> None:
    r = Redactor(["Ms. Okafor", "Li Na"])
    assert r.redact("Ms. Okafor and Mr. Smith") == "[name] and Mr. Smith"
    assert r.redact("Ms. Brown was kind") == "Ms. Brown was kind"


def test_redacts_email_and_phone_but_not_dates_or_scores() -> None:
    r = Redactor([])
    text = ("Mail a.b+c@school.example.org, call (555) 123-4567 or +44 7700 900123. "
            "On 2026-03-01 grades 6-8 scored 85 90 95 100 in 2019 2020 2021.")
    out = r.redact(text)
    assert "[email]" in out and out.count("[phone]") == 2
    assert "2026-03-01" in out and "6-8" in out and "85 90 95 100" in out and "2019 2020" in out


def test_disabled_redactor_changes_nothing() -> None:
    assert Redactor(["Rosa"], enabled=False).redact("Rosa a@b.org") == "Rosa a@b.org"


def test_load_names_skips_comments_and_blanks(tmp_path: Path) -> None:
    p = tmp_path / "names.txt"
    p.write_text("# comment\nRosa  # teller\n\n  Mr. Ray\n", "utf-8")
    assert load_names(p) == ["Rosa", "Mr. Ray"]
    with pytest.raises(UsageError, match="not found"):
        load_names(tmp_path / "missing.txt")


class _S:
    def __init__(self, consent: str):
        self.consent = consent


def test_consent_no_never_kept_unknown_only_when_asked() -> None:
    stories = [_S("yes"), _S("no"), _S("unknown"), _S("yes")]
    res = filter_consent(stories)
    assert [s.consent for s in res.kept] == ["yes", "yes"]
    assert (res.excluded_no, res.excluded_unknown) == (1, 1)
    res = filter_consent(stories, include_unknown=True)
    assert [s.consent for s in res.kept] == ["yes", "unknown", "yes"]
    assert res.excluded_no == 1 and res.included_unknown == 1


def test_teller_names_only_kept_names(store: Store) -> None:
    store.execute("INSERT INTO tellers(id, name) VALUES ('T-1', 'Ana'), ('T-2', NULL)")
    assert teller_names(store) == ["Ana"]


def test_exact_case_names_spare_ordinary_words() -> None:
    r = Redactor(names=["=Bell", "=Mark D.", "Maya"])
    assert r.redact("the bell rang, I got a bad mark") == "the bell rang, I got a bad mark"
    assert r.redact("Coach Bell and MARK and Mark D.") == "Coach [name] and [name] and [name]"
    assert r.redact("me and maya") == "me and [name]"  # unmarked names match in any case


def test_names_file_marks(tmp_path: Path) -> None:
    f = tmp_path / "names.txt"
    f.write_text("# staff\n=Bell\nOkafor\n", "utf-8")
    r = Redactor(names=load_names(f))
    assert r.redact("the bell; Ms. Bell; ms. okafor") == "the bell; Ms. [name]; ms. [name]"
