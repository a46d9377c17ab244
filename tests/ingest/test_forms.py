from __future__ import annotations

from pathlib import Path

import pytest

from pni.errors import FormError
from pni.ingest.formfile import load_form
from pni.ingest.forms import coerce, infer_question


def test_load_toml_form(fix: Path) -> None:
    f = load_form(fix / "form" / "form.toml")
    by = {q.id: q for q in f.questions}
    assert by["feeling"].kind == "choice" and f.columns["feeling"] == "How did you feel?"
    assert by["belonging"].scale_min == 1 and by["belonging"].scale_max == 5
    assert by["role"].about == "teller"
    assert f.prompt == "Tell us about a time at school"


def test_yaml_form(tmp_path: Path) -> None:
    p = tmp_path / "form.yaml"
    p.write_text("questions:\n  - id: mood\n    kind: boolean\n")
    assert load_form(p).questions[0].kind == "boolean"


@pytest.mark.parametrize(("name", "text", "expect"), [
    ("f.toml", '[[questions]]\nid = "x"\nkind = "choise"\n', "question 1 (x)"),
    ("f.toml", '[[questions]]\nid = "x"\nkind = \n', "line 3"),
    ("f.yaml", "questions:\n  - id: [x\n", "line"),
    ("f.toml", '[[questions]]\nid = "x"\nkidn = "text"\n', "unknown key"),
    ("f.toml", '[[questions]]\nid = "x"\nkind = "scale"\nmin = 5\nmax = 1\n', "min must be"),
    ("f.toml", 'title = "no questions"\n', "list of questions"),
    ("f.json", "{}", ".toml, .yaml"),
])
def test_malformed_forms(tmp_path: Path, name: str, text: str, expect: str) -> None:
    p = tmp_path / name
    p.write_text(text)
    with pytest.raises(FormError) as e:
        load_form(p)
    assert expect in str(e.value) and name in str(e.value)


@pytest.mark.parametrize(("values", "kind"), [
    (["yes", "no", "Yes", "", None], "boolean"),
    (["1", "3", "5", "2"], "scale"),
    (["a;b", "b", "c;a"], "multi-choice"),
    (["proud", "hurt", "proud", "hopeful"], "choice"),
    (["a long free answer one", "another free answer", "third"], "text"),
    ([], "text"),
])
def test_inference(values: list[object], kind: str) -> None:
    q, evidence = infer_question("Column X", values)
    assert q.kind == kind and q.inferred and q.id == "column_x" and evidence


def test_inferred_scale_range_and_teller_about() -> None:
    q, _ = infer_question("belonging", ["2", "4", "1"])
    assert (q.scale_min, q.scale_max) == (1, 4)
    assert infer_question("Grade band", ["6-8", "6-8"])[0].about == "teller"


def test_coerce_errors() -> None:
    q, _ = infer_question("n", ["1", "2"])
    with pytest.raises(ValueError, match="not a number"):
        coerce(q, "lots")
    b, _ = infer_question("b", ["yes", "no"])
    assert coerce(b, "Y") is True
    with pytest.raises(ValueError, match="not yes or no"):
        coerce(b, "maybe")


def test_comma_separated_multi_choice_from_form_exports() -> None:
    from pni.ingest.forms import split_multi

    opts = ["belonging", "adults", "safety", "Yes, often"]
    assert split_multi("belonging, adults", opts) == ["belonging", "adults"]
    assert split_multi("belonging; adults", opts) == ["belonging", "adults"]
    assert split_multi("Yes, often", opts) == ["Yes, often"]       # one option with a comma
    assert split_multi("belonging, lunch", opts) == ["belonging, lunch"]  # not all declared
    assert split_multi("belonging, adults") == ["belonging, adults"]  # no options: only ';'
