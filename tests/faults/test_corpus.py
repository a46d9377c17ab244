"""Every generated malformed input ends in exit 0 with balanced accounting, or exit 1 with an
``Error:`` line naming the file: never ``Internal error``, never a hang."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.faults.generate import FAMILIES, generate
from tests.faults.harness import run_case

GOOD = ("ok", "rejected-file", "refused")


def test_corpus_is_large_and_deterministic(tmp_path: Path) -> None:
    a = generate(tmp_path / "a")
    generate(tmp_path / "b")
    assert len(a) >= 200
    assert {c.group for c in a} == {g for g, _, _ in FAMILIES}

    def digest(root: Path) -> str:
        h = hashlib.sha256()
        for p in sorted(root.rglob("*")):
            if p.is_file():
                h.update(p.relative_to(root).as_posix().encode() + p.read_bytes())
        return h.hexdigest()

    assert digest(tmp_path / "a") == digest(tmp_path / "b")


@pytest.mark.parametrize("family", [g for g, _, _ in FAMILIES])
def test_family(tmp_path: Path, family: str) -> None:
    corpus = tmp_path / "corpus"
    cases = generate(corpus, {family})
    outcomes = [run_case(c, corpus, tmp_path / "work") for c in cases]
    bad = [f"{o.case}: {o.kind} (exit {o.code}) {o.message}" for o in outcomes
           if o.kind not in GOOD]
    assert not bad, "\n".join(bad)
    # the corpus is meant to hurt: most cases must be refused, not silently read
    assert sum(o.kind != "ok" for o in outcomes) >= len(outcomes) // 3


def test_file_failures_do_not_stop_the_collect(tmp_path: Path) -> None:
    """Good files before and after broken ones are stored; the broken ones are rejects."""
    import json

    from tests.faults.harness import _runner

    corpus = tmp_path / "corpus"
    generate(corpus, {"json", "xlsx", "document"})
    folder = tmp_path / "mixed"
    folder.mkdir()
    for name in ("a_good.csv", "b_deep.json", "c_bad.xlsx", "d_date.md", "e_good.csv"):
        src = {"b_deep.json": "json_deep_list.json", "c_bad.xlsx": "xlsx_missing_shared.xlsx",
               "d_date.md": "md_bad_date.md"}.get(name)
        data = (corpus / src).read_bytes() if src else (
            f"id,story\n{name},The story told in {name} about the lunch table.\n".encode())
        (folder / name).write_bytes(data)
    store = tmp_path / "p.db"
    res = _runner().invoke(_app(), ["collect", str(folder), "--store", str(store), "--json"])
    assert res.exit_code == 1, res.stderr
    report = json.loads(res.stdout)
    assert report["totals"]["stored"] == 2 and report["totals"]["failed"] == 3
    errors = [ln for ln in res.stderr.splitlines() if ln.startswith("Error:")]
    assert len(errors) == 3 and "Internal error" not in res.stderr
    assert "sheet 'Stories', row 3" in res.stderr and "d_date.md, line 2" in res.stderr
    from pni.store import Store
    from pni.store.stories import list_rejects

    with Store.open(store) as db:
        rejects = {Path(r.file).name: r for r in list_rejects(db)}
    assert set(rejects) == {"b_deep.json", "c_bad.xlsx", "d_date.md"}
    assert rejects["c_bad.xlsx"].locator == "sheet 'Stories', row 3"


def _app() -> object:
    from pni.cli import app

    return app
