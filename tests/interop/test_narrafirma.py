"""The NarraFirma export, checked the way NarraFirma's CSV import reads it (a port of the checks
in ``processCSVContentsForQuestionnaire`` and ``processCSVContentsForStories``)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from pni.interop.narrafirma import write_narrafirma
from pni.interop.scope import ExportOptions, gather
from pni.store import Store

NF_TYPES = {"Single choice", "Single choice indexed", "Multi-choice multi-column texts",
            "Multi-choice multi-column yes/no", "Multi-choice single-column delimited",
            "Multi-choice single-column delimited indexed", "Radiobuttons", "Boolean",
            "Checkbox", "Text", "Textarea", "Scale", "eliciting"}
NF_IMPORT = {"Story title column name", "Story text column name", "Participant ID column name",
             "Story collection date column name", "Language column name", "Scale range"}


def _rows(path: Path) -> list[list[str]]:
    """Rows as NarraFirma keeps them: empty and ``;`` comment rows skipped."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return [r for r in rows if any(c for c in r) and not r[0].strip().startswith(";")]


def _form(path: Path) -> tuple[list[str], list[dict[str, Any]]]:
    rows = _rows(path)
    header: list[str] = []
    for cell in rows[0]:
        if not cell:
            break
        header.append(cell)
    items = []
    for row in rows[1:]:
        item: dict[str, Any] = {"Answers": []}
        for i, cell in enumerate(row):
            name = header[min(i, len(header) - 1)]
            if i < len(header) - 1:
                item[name] = cell.strip()
            elif cell.strip():
                item["Answers"].append(cell.strip())
        items.append(item)
    return header, items


def test_form_has_narrafirmas_header_types_and_abouts(project, tmp_path: Path) -> None:
    db, _, _ = project
    res = write_narrafirma(gather(db, ExportOptions()), tmp_path)
    header, items = _form(res.form)
    assert header == ["Data column name", "Type", "About", "Short name", "Long name", "Options",
                      "Answers"]
    assert all(it["About"] in {"story", "participant", "eliciting", "annotation", "import"}
               for it in items)
    questions = [it for it in items if it["About"] in ("story", "participant", "annotation")]
    assert all(it["Type"] in NF_TYPES for it in questions)
    assert {it["Type"] for it in items if it["About"] == "import"} == NF_IMPORT
    kinds = {it["Data column name"]: it["Type"] for it in questions}
    assert kinds["feeling"] == "Single choice" and kinds["topics"].startswith("Multi-choice")
    assert kinds["belonging"] == "Scale" and kinds["listened_to"] == "Single choice"
    assert kinds["Consent"] == "Single choice" and kinds["Pattern"] == "Single choice"
    about = {it["Data column name"]: it["About"] for it in questions}
    assert about["role"] == "participant" and about["Pattern"] == "annotation"
    for it in questions:
        if it["Type"] not in ("Text", "Boolean", "Scale"):
            assert len(it["Answers"]) >= 2 and not any("|" in a for a in it["Answers"])


def test_every_answer_matches_the_form_as_narrafirma_checks_it(project, tmp_path: Path) -> None:
    db, *_ = project
    res = write_narrafirma(gather(db, ExportOptions()), tmp_path)
    _, items = _form(res.form)
    by_col = {it["Data column name"]: it for it in items if it["About"] != "import"}
    eliciting = next(it for it in items if it["About"] == "eliciting")
    rows = _rows(res.stories)
    header, data = rows[0], rows[1:]
    assert len(data) == 17  # 2 consent "no" and 1 unknown left out
    assert header[:2] == ["Story title", "Story text"] and "Participant ID" in header
    problems = []
    for row in data:
        assert len(row) == len(header)
        for name, value in zip(header, row, strict=True):
            value = value.strip()
            if not value or name not in by_col:
                continue
            it = by_col[name]
            if it["About"] == "eliciting":
                ok = value in {a.split("|")[0] for a in eliciting["Answers"]}  # import names
            elif it["Type"] in ("Single choice", "Multi-choice multi-column texts"):
                ok = value in it["Answers"]
            elif it["Type"] == "Scale":
                ok = value.isdigit() and 1 <= int(value) <= 5  # raw, under 'Scale range' 1..5
            else:
                ok = True
            if not ok:
                problems.append((name, value))
    assert problems == []
    consent = header.index("Consent")
    assert {r[consent] for r in data} == {"yes"}


def test_annotations_give_each_story_its_pattern(project, tmp_path: Path) -> None:
    db, _, _ = project
    res = write_narrafirma(gather(db, ExportOptions()), tmp_path)
    assert res.annotations is not None
    rows = _rows(res.annotations)
    assert rows[0] == ["Story title", "Story text", "Pattern"]
    _, items = _form(res.form)
    options = next(it for it in items if it["Data column name"] == "Pattern")["Answers"]
    assert {r[2] for r in rows[1:]} <= set(options)
    assert "fits no pattern" in {r[2] for r in rows[1:]}
    stories = {(r[0], r[1]) for r in _rows(res.stories)[1:]}
    assert {(r[0], r[1]) for r in rows[1:]} == stories


def test_all_exports_consent_no_and_says_so(project, tmp_path: Path) -> None:
    db, _, _ = project
    res = write_narrafirma(gather(db, ExportOptions(all_stories=True)), tmp_path)
    rows = _rows(res.stories)
    consent = rows[0].index("Consent")
    assert sorted(r[consent] for r in rows[1:]).count("no") == 2
    assert "said NO" in res.form.read_text("utf-8").splitlines()[0]


def test_without_a_run_no_pattern_question(store: Store, tmp_path: Path) -> None:
    from tests.helpers import populate

    populate(store, 5)
    res = write_narrafirma(gather(store, ExportOptions()), tmp_path)
    assert res.annotations is None
    assert "Pattern" not in _rows(res.stories)[0]


def test_round_trip_narrafirma_csv_then_collect_gives_the_same_stories(project,
                                                                     tmp_path: Path) -> None:
    from pni.ingest.collect import collect
    from pni.interop.scope import NO_PATTERN
    from pni.store import stories as q

    db, *_ = project
    scope = gather(db, ExportOptions(all_stories=True))
    write_narrafirma(scope, tmp_path / "nf")
    with Store.open(tmp_path / "new.db") as new:
        rep = collect(new, [tmp_path / "nf"])
        assert sorted(s.reason.split()[1] for s in rep.skipped) == ["annotation", "story"]
        assert [(f.file.rsplit("/", 1)[-1], f.stored, f.rejected) for f in rep.files] == [
            ("stories.csv", 20, 0)]

        def key(s: Any) -> str:
            return " ".join(s.text.split())

        got = {key(s): s for s in q.list_stories(new)}
        assert set(got) == {key(s) for s in scope.stories}
        for s in scope.stories:
            g = got[key(s)]
            assert (g.title, g.prompt, g.date, g.consent) == (s.title, s.prompt, s.date,
                                                               s.consent)
            pattern = scope.pattern_name(s.id)
            assert g.answers == {**s.answers, "pattern": pattern}
            assert g.teller_answers == s.teller_answers
        old = {qu.id: (qu.kind, qu.about, qu.options) for qu in q.get_questions(db)}
        back = {qu.id: (qu.kind, qu.about, qu.options) for qu in q.get_questions(new)}
        assert back.pop("pattern") == ("choice", "annotation",
                                       [p.name for p in scope.patterns] + [NO_PATTERN])
        assert back == old
        tellers: dict[str | None, set[str | None]] = {}
        old_teller = {key(s): s.teller_id for s in scope.stories}
        for k, g in got.items():
            tellers.setdefault(g.teller_id, set()).add(old_teller[k])
        assert all(len(v) == 1 for v in tellers.values())


def test_an_earlier_pattern_answer_and_the_run_get_two_columns(store: Store,
                                                               tmp_path: Path) -> None:
    from pni.models import Question
    from pni.store import stories as q
    from tests.helpers import fake_run, populate

    ids = populate(store, 8)
    with store.transaction():
        q.upsert_question(store, Question(id="pattern", text="Pattern", kind="choice",
                                          about="annotation", options=["old"]))
        q.set_answer(store, "pattern", "old", story_id=ids[0])
    run = fake_run(store, ids)
    res = write_narrafirma(gather(store, ExportOptions()), tmp_path)
    header = _rows(res.stories)[0]
    assert "pattern" in header and f"Pattern run {run}" in header
    assert _rows(res.annotations)[0][2] == f"Pattern run {run}"  # type: ignore[arg-type]


def test_pni_annotate_reads_the_annotation_file_back(project, tmp_path: Path) -> None:
    from pni.ingest.annotate import annotate
    from pni.store import stories as q

    db, *_ = project
    scope = gather(db, ExportOptions(redact=False))  # a redacted text matches no stored story
    res = write_narrafirma(scope, tmp_path)
    assert res.annotations is not None
    rep = annotate(db, res.annotations)
    assert (rep.read, rep.rejected) == (17, 0)
    for s in q.list_stories(db, ids=[s.id for s in scope.stories]):
        assert s.answers["pattern"] == scope.pattern_name(s.id)


def _nf_scale(item: dict[str, Any], form_range: tuple[int, int] | None, value: str) -> int:
    """A scale answer as NarraFirma 1.6 stores it (a port of ``questionForItem`` for sliders and
    ``changeValueForCustomScaleValues``): cells after the two labels are its 'does not apply'
    label and min and max; without min and max the form's 'Scale range' rescales to 0-100."""
    answers = item["Answers"]
    assert len(answers) == 2, f"a third cell would be a 'does not apply' label: {answers}"
    v = int(value)
    if form_range is None:
        return v
    lo, hi = form_range
    if v <= lo:
        return 0
    if v >= hi:
        return 100
    return round((v - lo) * 100 / (hi - lo))


def test_yes_no_and_scales_as_narrafirma_charts_them(project, tmp_path: Path) -> None:
    db, *_ = project
    scope = gather(db, ExportOptions())
    res = write_narrafirma(scope, tmp_path)
    _, items = _form(res.form)
    by_col = {it["Data column name"]: it for it in items if it["About"] != "import"}
    assert (by_col["listened_to"]["Type"], by_col["listened_to"]["Answers"]) == (
        "Single choice", ["yes", "no"])
    scale_range = next(it["Answers"] for it in items if it["Type"] == "Scale range")
    assert scale_range == ["1", "5"]
    rows = _rows(res.stories)
    header = rows[0]
    got = {r[0]: r for r in rows[1:]}
    for s in scope.stories:
        row = got[s.title or ""]
        assert row[header.index("listened_to")] == ("yes" if s.answers["listened_to"] else "no")
        stored = _nf_scale(by_col["belonging"], (1, 5), row[header.index("belonging")])
        assert stored == round((s.answers["belonging"] - 1) * 25)


def test_scales_of_different_ranges_travel_on_narrafirmas_0_100(store: Store,
                                                                tmp_path: Path) -> None:
    from pni.ingest.collect import collect
    from pni.models import Question
    from pni.store import stories as q
    from tests.helpers import populate

    ids = populate(store, 6)
    with store.transaction():
        q.upsert_question(store, Question(id="trust", text="How much do you trust them?",
                                          kind="scale", scale_min=0, scale_max=10))
        for n, sid in enumerate(ids):
            q.set_answer(store, "trust", n + 3, story_id=sid)
    scope = gather(store, ExportOptions(all_stories=True))
    res = write_narrafirma(scope, tmp_path / "nf")
    _, items = _form(res.form)
    assert not any(it["Type"] == "Scale range" for it in items)
    trust = next(it for it in items if it["Data column name"] == "trust")
    assert trust["Options"] == "pniRange=0..10" and len(trust["Answers"]) == 2
    rows = _rows(res.stories)
    values = sorted(int(r[rows[0].index("trust")]) for r in rows[1:])
    assert values == [30, 40, 50, 60, 70, 80]   # NarraFirma's 0-100, as its import keeps them
    with Store.open(tmp_path / "new.db") as new:
        collect(new, [tmp_path / "nf"])
        back = {s.title: s.answers for s in q.list_stories(new)}
        for s in scope.stories:
            assert back[s.title]["trust"] == s.answers["trust"]
            assert back[s.title]["belonging"] == s.answers["belonging"]
        qs = {x.id: x for x in q.get_questions(new)}
        assert (qs["trust"].scale_min, qs["trust"].scale_max) == (0, 10)
        assert (qs["belonging"].scale_min, qs["belonging"].scale_max) == (1, 5)


def test_eliciting_questions_are_short_and_long_from_what_the_listener_asked(
        store: Store, tmp_path: Path) -> None:
    from pni.interop.narrafirma import asked, short_name
    from pni.store import stories as q
    from tests.helpers import populate

    turn = ("Thank you, [name], that's an honest answer. Next: tell us about a time when a test"
            " or a grade changed how you saw yourself.")
    ids = populate(store, 4)
    with store.transaction():
        store.execute("UPDATE stories SET prompt = ? WHERE id IN (?, ?)", (turn, ids[0], ids[1]))
    assert asked(turn) == ("Tell us about a time when a test or a grade changed how you saw"
                           " yourself.")
    assert short_name(asked(turn)) == "A test or a grade changed"
    res = write_narrafirma(gather(store, ExportOptions(all_stories=True)), tmp_path)
    _, items = _form(res.form)
    answers = next(it for it in items if it["About"] == "eliciting")["Answers"]
    assert "A test or a grade changed|" + asked(turn) in answers
    assert "A time|Tell us about a time..." in answers
    rows = _rows(res.stories)
    h = rows[0]
    by_title = {r[0]: r for r in rows[1:]}
    first = by_title[next(s.title for s in q.list_stories(store, ids=[ids[0]]))]
    assert first[h.index("Eliciting question")] == "A test or a grade changed"
    assert first[h.index("Prompt as asked")] == turn
    other = by_title[next(s.title for s in q.list_stories(store, ids=[ids[2]]))]
    assert other[h.index("Prompt as asked")] == ""


def test_a_choice_of_yes_and_no_stays_a_choice(store: Store, tmp_path: Path) -> None:
    """pni writes its yes/no questions as a single choice of yes and no, and reads such a choice
    back as yes/no; a question that was a choice says so in its options (NarraFirma ignores
    them)."""
    from pni.ingest.collect import collect
    from pni.models import Question
    from pni.store import stories as q
    from tests.helpers import populate

    ids = populate(store, 4)
    with store.transaction():
        q.upsert_question(store, Question(id="again", text="Would you go again?",
                                          kind="choice", options=["Yes", "No"]))
        q.set_answer(store, "again", "No", story_id=ids[0])
    res = write_narrafirma(gather(store, ExportOptions(all_stories=True)), tmp_path / "nf")
    _, items = _form(res.form)
    opts = {it["Data column name"]: it["Options"] for it in items if it["About"] != "import"}
    assert (opts["again"], opts["listened_to"]) == ("pniKind=choice", "")
    with Store.open(tmp_path / "new.db") as new:
        collect(new, [tmp_path / "nf"])
        kinds = {x.id: x.kind for x in q.get_questions(new)}
        assert (kinds["again"], kinds["listened_to"]) == ("choice", "boolean")
        assert "No" in {s.answers.get("again") for s in q.list_stories(new)}


def test_the_question_asked_is_found_in_the_listeners_turn() -> None:
    from pni.interop.narrafirma import asked

    cases = {
        "Thanks for making time. To start, tell me a little about your family.":
            "Tell me a little about your family.",
        "Thank you, panel. Now, adults who were listening: what did you hear that surprised you?":
            "What did you hear that surprised you?",
        "How did that feel, being told no?": "How did that feel, being told no?",
        "Welcome, everybody. There are no right answers. First question: tell us about a time"
        " you felt proud.": "Tell us about a time you felt proud.",
        "Tell us about a moment when an adult made a difference. It can be for better or for"
        " worse.": "Tell us about a moment when an adult made a difference. It can be for better"
                   " or for worse.",
        "Last question before we turn to the adults. If the adults could see one moment, which"
        " one would you show them?": "If the adults could see one moment, which one would you"
                                     " show them?",
    }
    for turn, question in cases.items():
        assert asked(turn) == question, turn


def test_a_story_without_a_prompt_is_not_given_someone_elses_question(store: Store,
                                                                      tmp_path: Path) -> None:
    """NarraFirma gives a story with no eliciting question its form's first one; pni writes
    'No question recorded' for it instead, and reads that back as no prompt."""
    from pni.ingest.collect import collect
    from pni.store import stories as q
    from tests.helpers import populate
    from tests.interop import narrafirma_app as nf

    ids = populate(store, 4)
    with store.transaction():
        store.execute("UPDATE stories SET prompt = NULL WHERE id = ?", (ids[0],))
    res = write_narrafirma(gather(store, ExportOptions(all_stories=True)), tmp_path / "nf")
    form = nf.import_form(res.form.read_text("utf-8"))
    told = nf.import_stories(form, res.stories.read_text("utf-8"))
    untold = next(s for s in q.list_stories(store) if not s.prompt)
    assert {st["eliciting"] for st in told if st["text"] == untold.text} == {
        "No question recorded"}
    assert {st["eliciting"] for st in told if st["text"] != untold.text} == {"A time"}
    with Store.open(tmp_path / "new.db") as new:
        collect(new, [tmp_path / "nf"])
        back = {s.text: s.prompt for s in q.list_stories(new)}
        assert back[untold.text] is None
        assert {p for t, p in back.items() if t != untold.text} == {"Tell us about a time..."}
