"""Round trips on the sample project: pni -> NarraFirma CSV -> pni, pni -> .qdpx -> pni, and
pni -> .qdpx -> QualCoder (import, then its export; modelled in tests/interop/qualcoder.py) ->
pni keep every story's text, title, prompt, date, consent, teller (stories of one teller stay
together, with the teller's answers), answers and codes identical."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pni.ingest.collect import collect
from pni.interop.narrafirma import write_narrafirma
from pni.interop.qdpx import write_qdpx
from pni.interop.scope import NO_PATTERN, ExportOptions, Scope, gather
from pni.models import Question, Story
from pni.store import Store
from pni.store import stories as q
from tests.conftest import SAMPLES
from tests.helpers import fake_run
from tests.interop.qualcoder import through_qualcoder

EVERYTHING = ExportOptions(all_stories=True, include_unknown=True, redact=False)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The sample stories collected, a run whose patterns code them, and a single-code
    ``codes`` answer on a few stories (as `pni annotate` infers it)."""
    path = tmp_path_factory.mktemp("sample") / "pni.db"
    db = Store.open(path)
    rep = collect(db, [SAMPLES])
    assert sum(f.stored for f in rep.files) > 100
    ids = [s.id for s in q.list_stories(db)]
    fake_run(db, ids)
    with db.transaction():
        q.upsert_question(db, Question(id="codes", text="Codes", kind="choice",
                                       about="annotation", options=["Barriers", "Hope"]))
        for n, sid in enumerate(ids[:12]):
            q.set_answer(db, "codes", ["Barriers", "Hope"][n % 2], story_id=sid)
    yield db
    db.close()


def _same(a: Store, scope: Scope, b: Store, codes: bool) -> None:
    """Every story of ``scope`` is in ``b`` as it was in ``a``."""
    got = {s.text: s for s in q.list_stories(b)}
    assert len(got) == len(scope.stories)
    assert set(got) == {s.text for s in scope.stories}
    together: dict[str | None, set[str | None]] = {}
    for s in scope.stories:
        g = got[s.text]
        assert (g.title, g.prompt, g.date, g.consent, g.language) == (
            s.title, s.prompt, s.date, s.consent, s.language), s.title
        if codes:
            assert g.source_kind == s.source_kind
        assert g.teller_answers == s.teller_answers, s.title
        assert g.answers == _expected(s, scope, codes), s.title
        together.setdefault(g.teller_id, set()).add(s.teller_id)
    assert all(len(v) == 1 for v in together.values())
    assert len(together) == len({s.teller_id for s in scope.stories})
    old = {x.id: (x.kind, x.about, x.options, x.scale_min, x.scale_max)
           for x in q.get_questions(a) if x.id != "codes"}
    new = {x.id: (x.kind, x.about, x.options, x.scale_min, x.scale_max)
           for x in q.get_questions(b) if x.id not in ("codes", "pattern")}
    assert new == old


def _expected(s: Story, scope: Scope, qdpx: bool) -> dict[str, Any]:
    answers = dict(s.answers)
    pattern = scope.pattern_name(s.id)
    if not qdpx:
        # NarraFirma keeps a multi-choice answer as a set: it comes back in the options' order
        for x in scope.questions:
            if x.kind == "multi-choice" and isinstance(answers.get(x.id), list):
                order = {o: n for n, o in enumerate(x.options)}
                answers[x.id] = sorted(answers[x.id], key=lambda o: order.get(o, len(order)))
        answers["pattern"] = pattern
        return answers
    codes = [c for c in [pattern] if c not in (None, NO_PATTERN)]
    codes += [answers["codes"]] if "codes" in answers else []
    answers.pop("codes", None)
    if codes:
        answers["codes"] = codes
    return answers


def test_narrafirma_round_trip_keeps_the_samples(sample: Store, tmp_path: Path) -> None:
    scope = gather(sample, EVERYTHING)
    assert len(scope.stories) > 150
    write_narrafirma(scope, tmp_path / "nf")
    with Store.open(tmp_path / "back.db") as back:
        rep = collect(back, [tmp_path / "nf"])
        assert [(f.stored, f.rejected) for f in rep.files] == [(len(scope.stories), 0)]
        _same(sample, scope, back, codes=False)
        assert {s.answers.get("codes") for s in q.list_stories(back)} == {
            None, "Barriers", "Hope"}


def test_qdpx_round_trip_keeps_the_samples(sample: Store, tmp_path: Path) -> None:
    scope = gather(sample, EVERYTHING)
    write_qdpx(scope, tmp_path / "p.qdpx")
    with Store.open(tmp_path / "back.db") as back:
        rep = collect(back, [tmp_path / "p.qdpx"])
        assert [(f.stored, f.rejected) for f in rep.files] == [(len(scope.stories), 0)]
        _same(sample, scope, back, codes=True)
        got = {s.text: s for s in q.list_stories(back)}
        assert all(got[s.text].source_id == (s.source_id or s.id) for s in scope.stories)


def test_qdpx_through_qualcoder_keeps_the_samples(sample: Store, tmp_path: Path) -> None:
    scope = gather(sample, EVERYTHING)
    res = write_qdpx(scope, tmp_path / "p.qdpx")
    out, qc = through_qualcoder(tmp_path / "p.qdpx", tmp_path / "qc.qdpx")
    assert not [x for x in qc.log if "source name" in x or "Cannot copy" in x], qc.log
    assert len(qc.sources) == len(scope.stories) and len(qc.cases) == res.cases
    for c in qc.codings:
        src = qc.sources[c["fid"] - 1]
        assert src["text"][c["pos0"]:c["pos1"]] == src["text"]   # a whole story, unchanged
    assert sorted(src["text"] for src in qc.sources) == sorted(s.text for s in scope.stories)
    assert len(qc.journals) == res.notes
    with Store.open(tmp_path / "back.db") as back:
        rep = collect(back, [out])
        f = rep.files[0]
        assert (f.stored, f.rejected) == (len(scope.stories), 0)
        assert any("pni:teller" in n for n in f.notices)
        assert any("read as sets" in n for n in f.notices), f.notices
        _same(sample, scope, back, codes=True)


def test_line_breaks_reach_qualcoder_unchanged_and_come_back(store: Store,
                                                             tmp_path: Path) -> None:
    """QualCoder adds a space after every line break of a source whose first line break is
    CRLF; pni writes LF, so the text and every coded slice arrive as told, and QualCoder's CRLF
    export (its MAXQDA option) reads back as the same text."""
    from tests.helpers import populate

    ids = populate(store, 4)
    fake_run(store, ids)
    with store.transaction():
        store.execute("UPDATE stories SET text = ? WHERE id = ?",
                      ("We met at the gate.\r\nIt was raining.\r\n\r\nNobody minded.", ids[0]))
    scope = gather(store, EVERYTHING)
    write_qdpx(scope, tmp_path / "p.qdpx")
    for endings in (False, True):
        out, qc = through_qualcoder(tmp_path / "p.qdpx", tmp_path / f"qc{endings}.qdpx",
                                    maxqda_line_endings=endings)
        told = "We met at the gate.\nIt was raining.\n\nNobody minded."
        assert told in [s["text"] for s in qc.sources]
        with Store.open(tmp_path / f"back{endings}.db") as back:
            collect(back, [out])
            assert told in {s.text for s in q.list_stories(back)}


def _nf_import(tmp_path: Path, scope: Scope) -> tuple[Any, list[dict[str, Any]]]:
    from tests.interop import narrafirma_app as nf

    write_narrafirma(scope, tmp_path / "nf")
    form = nf.import_form((tmp_path / "nf" / "story_form.csv").read_text("utf-8"))
    stories = nf.import_stories(form, (tmp_path / "nf" / "stories.csv").read_text("utf-8"))
    return form, stories


def test_narrafirma_imports_the_samples_as_told(sample: Store, tmp_path: Path) -> None:
    """What NarraFirma keeps of pni's export (its import, modelled in narrafirma_app.py):
    every story, no error, yes/no answers it can chart, sliders without a 'does not apply'
    label, scale answers on its 0-100, eliciting questions by their short names."""
    from pni.interop.narrafirma import to_nf_scale

    scope = gather(sample, EVERYTHING)
    form, stories = _nf_import(tmp_path, scope)
    assert [x for x in form.log if x.startswith("ERROR")] == []
    assert "Prompt as asked" in form.ignored
    assert {x for x in form.log if x.startswith("LOG")} <= {
        "LOG: no question for data column 'codes'", "LOG: no question for data column 'Pattern'"}
    assert len(stories) == len(scope.stories)
    by_text = {st["text"]: st for st in stories}
    sliders = [x for x in form.questions if x.display_type == "slider"]
    assert sliders and all(len(x.options) == 2 for x in sliders)
    listened = next(x for x in form.questions if x.short == "listened_to")
    assert (listened.display_type, listened.options) == ("select", ["yes", "no"])
    shorts = {e["id"] for e in form.eliciting}
    assert all(len(x.split()) <= 8 for x in shorts)
    for s in scope.stories:
        st = by_text[s.text.strip()]
        got = st["answers"]
        if "listened_to" in s.answers:
            assert got["listened_to"] == ("yes" if s.answers["listened_to"] else "no")
        if "belonging" in s.answers:
            assert got["belonging"] == to_nf_scale(s.answers["belonging"], 1, 5)
        if s.prompt:
            assert st["eliciting"] in shorts
        assert st["participant"] == s.teller_id


def test_what_narrafirma_exports_comes_back(sample: Store, tmp_path: Path) -> None:
    """NarraFirma's story export and either of its form exports, collected: texts as told
    (its second quoting undone), answers, scales back on 1..5 with the 'for import' form (on
    0-100 with the plain one), each story's question; tellers do not survive (NarraFirma's
    export writes no participant column), and pni says so."""
    from tests.interop import narrafirma_app as nf

    scope = gather(sample, EVERYTHING)
    form, stories = _nf_import(tmp_path, scope)
    out = tmp_path / "from_nf"
    out.mkdir()
    (out / "export_story_collection.csv").write_text(nf.export_story_collection(form, stories),
                                                     "utf-8")
    assert '"""' in (out / "export_story_collection.csv").read_text("utf-8")
    for name, text in (("plain", nf.export_story_form(form)),
                       ("for_import", nf.export_story_form_for_import(form))):
        (tmp_path / f"form_{name}.csv").write_text(text, "utf-8")
        with Store.open(tmp_path / f"{name}.db") as back:
            from pni.ingest import CollectOptions

            rep = collect(back, [out / "export_story_collection.csv"],
                          CollectOptions(form=tmp_path / f"form_{name}.csv"))
            f = rep.files[0]
            assert (f.stored, f.rejected) == (len(scope.stories), 0), (name, f.error)
            assert any("no participant column" in n for n in f.notices)
            got = {s.text: s for s in q.list_stories(back)}
            assert set(got) == {s.text for s in scope.stories}
            for s in scope.stories:
                g = got[s.text]
                assert (g.title, g.date, g.language, g.consent) == (s.title, s.date, s.language,
                                                                    s.consent)
                want = {k: v for k, v in s.answers.items() if k not in ("codes",)}
                if name == "plain" and "belonging" in want:
                    from pni.interop.narrafirma import to_nf_scale

                    want["belonging"] = to_nf_scale(want["belonging"], 1, 5)
                    want["surprise"] = to_nf_scale(want["surprise"], 1, 5)
                for k, v in want.items():
                    gv = g.answers.get(k)
                    assert (sorted(gv) if isinstance(gv, list) else gv) == (
                        sorted(v) if isinstance(v, list) else v), (name, s.title, k)
                assert g.teller_answers == s.teller_answers
                if s.prompt:
                    assert g.prompt and g.prompt.split()[0].isalpha()
