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
        assert (g.title, g.prompt, g.date, g.consent) == (s.title, s.prompt, s.date, s.consent), \
            s.title
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
