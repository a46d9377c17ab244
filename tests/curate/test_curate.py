"""`pni curate`: catalysis.yaml written from a run, edited by a script, and printed as edited by
the report (HTML, Markdown) and the packet (Markdown, HTML, PDF); edits found again after
re-clustering, what no longer matches reported and kept."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from pni.cli import app
from pni.curate import load
from pni.store import Store
from pni.store import runs as runq
from tests.helpers import fake_run

runner = CliRunner()
NEW_TITLE = "Waiting <for> the bus & more"
MINE = {"id": "mine", "title": "Quiet students carry it alone",
        "text": "Students' stories of workload end with nobody <noticing>.", "strength": 2,
        "perspective": "Being heard",
        "interpretations": [
            {"name": "Not asking", "text": "Do students keep heavy weeks to themselves?"},
            {"name": "Not seeing", "text": "Or do the adults around them not look?"}]}


def _cli(*args: str) -> Any:
    r = runner.invoke(app, list(args))
    assert r.exit_code == 0, r.stderr
    return r


def _edit(path: Path) -> dict[str, Any]:
    """What a catalyst's script does: rename a pattern, hide an observation, add one."""
    doc = yaml.safe_load(path.read_text("utf-8"))
    doc["patterns"][1]["title"] = NEW_TITLE
    doc["patterns"][1]["remarkable"] = "yes"
    hidden = doc["observations"][0]
    hidden["hidden"] = True
    mine = dict(MINE, stories=doc["patterns"][1]["stories"][:3])
    doc["observations"].append(mine)
    doc["perspectives"] = [{"name": "Being heard", "text": "Who notices what tellers carry"}]
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), "utf-8")
    return hidden


@pytest.fixture
def curated(with_run: tuple[Store, list[str], int], store_path: Path) -> tuple[Path, dict]:
    r = _cli("curate", "init", "--store", str(store_path), "--json")
    info = json.loads(r.stdout)
    path = store_path.parent / "catalysis.yaml"
    assert info["path"] == str(path) and info["observations"] >= 2 and info["patterns"] == 4
    cat = load(path)
    assert [p.id for p in cat.patterns] == [1, 2, 3, 4]
    assert all(len(o.interpretations) >= 2 and o.test for o in cat.observations)
    return path, _edit(path)


def _pdf_text(pdf: Path) -> str:
    exe = shutil.which("pdftotext")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("CI must check the PDF: pdftotext is missing")
        pytest.skip("needs pdftotext (poppler-utils)")
    return subprocess.run([exe, "-raw", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_an_edited_file_shows_in_report_and_packet(curated: tuple[Path, dict],
                                                   store_path: Path, tmp_path: Path) -> None:
    _, hidden = curated
    out = tmp_path / "out"
    _cli("explore", "--store", str(store_path), "--html", str(out / "r.html"), "--md",
         str(out / "r.md"), "--no-save")
    page = (out / "r.html").read_text("utf-8")
    text = html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"(?s)<script.*?</script>", "", page)))
    md = (out / "r.md").read_text("utf-8")
    assert "<for>" not in page and "Waiting &lt;for&gt; the bus &amp; more" in page
    assert "remarkable: yes" in text
    assert "Perspective: Being heard" in text and "Who notices what tellers carry" in text
    assert MINE["title"] in text and "nobody <noticing>" in _flat(text)
    for i in MINE["interpretations"]:
        assert f"{i['name']}: {i['text']}" in _flat(text)
    assert hidden["text"] not in _flat(text)
    assert "1 hidden" in text
    assert "Waiting \\<for\\> the bus & more" in md or "Waiting \\<for\\> the bus \\& more" in md
    assert "### Perspective: Being heard" in md and f"#### {MINE['title']}" in md
    assert "- **Not asking:** Do students keep heavy weeks to themselves?" in md
    assert hidden["text"] not in _flat(md)
    # pni's own observations the file holds appear once, as the catalyst's
    shown = [o for o in yaml.safe_load(curated[0].read_text("utf-8"))["observations"]
             if not o.get("hidden") and o.get("test")]
    assert shown and all(_flat(md).count(_flat(o["text"])[:60]) == 1 for o in shown)

    for to in ("md", "pdf", "html"):
        target = tmp_path / f"packet.{to}"
        _cli("packet", "--store", str(store_path), "-o", str(target), "--to", to,
             "--groups", "1")
        if to == "pdf":
            body = _flat(_pdf_text(target))
        elif to == "html":
            body = _flat(html.unescape(re.sub(r"<[^>]+>", " ", target.read_text("utf-8"))))
        else:
            body = _flat(target.read_text("utf-8").replace("\\", ""))
        assert f"Pattern 2: {NEW_TITLE}" in body, to
        assert f"Being heard — {MINE['title']}" in body, to
        assert "Do students keep heavy weeks to themselves?" in body, to
        assert "Or do the adults around them not look?" in body, to
        assert _flat(hidden["text"])[:50] not in body, to


def test_edits_survive_reclustering(curated: tuple[Path, dict],
                                    with_run: tuple[Store, list[str], int],
                                    store_path: Path, tmp_path: Path) -> None:
    path, _ = curated
    db, ids, _ = with_run
    before = path.read_bytes()
    # a new run: the same groups numbered one lower, and pattern 4's stories scattered
    family = {a.story_id for a in runq.list_assignments(db, runq.latest_run_id(db, kind=None))
              if a.pattern_number == 4}
    rotated = ids[1:] + ids[:1]
    scatter = {sid: (1, 2, 3)[k % 3] for k, sid in enumerate(sorted(family))}
    run2 = fake_run(db, rotated, place=scatter)
    r = _cli("explore", "--store", str(store_path), "--json", "--no-save", "--md",
             str(tmp_path / "r.md"))
    doc = json.loads(r.stdout)
    assert doc["run"]["id"] == run2
    titles = {p["number"]: p["title"] for p in doc["patterns"]}
    moved = [n for n, t in titles.items() if t == NEW_TITLE]
    assert moved == [1], titles  # pattern 2's stories are pattern 1 now
    assert doc["curation"]["remarkable"] == {"1": "yes"}
    lost = [u for u in doc["curation"]["unmatched"] if u.startswith("pattern 4 ")]
    assert lost and "no pattern of run" in lost[0]
    assert any(n.startswith("pattern 4 ") for n in doc["notes"])
    assert path.read_bytes() == before  # reported, never dropped from the file
    shown = _cli("curate", "show", "--store", str(store_path), "--json")
    info = json.loads(shown.stdout)
    assert [p["matched"] for p in info["patterns"]][1] == 1
    assert info["patterns"][3]["matched"] is None and info["hidden"] == 1


def test_curate_errors(with_run: tuple[Store, list[str], int], store_path: Path) -> None:
    _cli("curate", "init", "--store", str(store_path))
    r = runner.invoke(app, ["curate", "init", "--store", str(store_path)])
    assert r.exit_code == 2 and "--force" in r.stderr and "exists" in r.stderr
    _cli("curate", "init", "--store", str(store_path), "--force")
    path = store_path.parent / "catalysis.yaml"
    doc = yaml.safe_load(path.read_text("utf-8"))
    doc["observations"][0]["strength"] = 7
    path.write_text(yaml.safe_dump(doc), "utf-8")
    r = runner.invoke(app, ["explore", "--store", str(store_path), "--no-save"])
    assert r.exit_code == 1 and "catalysis.yaml" in r.stderr
    assert "observations[0].strength" in r.stderr and "Traceback" not in r.stderr
    doc["observations"][0]["strength"] = 2
    doc["observations"][0]["titel"] = "typo"
    path.write_text(yaml.safe_dump(doc), "utf-8")
    r = runner.invoke(app, ["explore", "--store", str(store_path), "--no-save"])
    assert r.exit_code == 1 and "observations[0].titel" in r.stderr


def test_without_a_file_nothing_changes(with_run: tuple[Store, list[str], int],
                                        store_path: Path) -> None:
    r = _cli("explore", "--store", str(store_path), "--json", "--no-save")
    assert json.loads(r.stdout)["curation"] is None
    r = runner.invoke(app, ["curate", "show", "--store", str(store_path)])
    assert r.exit_code == 1 and "pni curate init" in r.stderr


def test_propose_perspectives_and_themes(curated: tuple[Path, dict],
                                         store_path: Path) -> None:
    path, hidden = curated
    r = _cli("curate", "propose", "--store", str(store_path), "--json", "--fake-embedder",
             "--perspectives", "3", "--themes", "2")
    doc = json.loads(r.stdout)["proposals"]
    props = {kind: [p for p in doc if p["kind"] == kind[:-1]]
             for kind in ("perspectives", "themes")}
    cat = load(path)
    shown = [o for o in cat.observations if not o.hidden]
    cited = [i for p in props["perspectives"] for i in p["items"]]
    assert sorted(cited) == sorted(f"{o.id}/{j}" for o in shown
                                   for j in range(1, len(o.interpretations) + 1))
    assert len(props["perspectives"]) == 3 and len(props["themes"]) == 2
    assert sorted(i for t in props["themes"] for i in t["items"]) == sorted(o.id for o in shown)
    assert all(p["name"] for p in props["perspectives"] + props["themes"])
    assert load(path) == cat  # shown only
    _cli("curate", "propose", "--store", str(store_path), "--fake-embedder", "--write",
         "--perspectives", "3", "--themes", "2")
    after = load(path)
    assert [p.name for p in after.perspectives][:1] == ["Being heard"]  # the catalyst's kept
    assert len(after.perspectives) == 4 and len(after.themes) == 2
    assert all(p.text.startswith("Proposed by pni from ") for p in after.perspectives[1:])
    mine = next(o for o in after.observations if o.id == "mine")
    assert mine.perspective == "Being heard"  # never overwritten
    assert all(o.perspective for o in after.observations if not o.hidden)
    assert next(o for o in after.observations if o.id == hidden["id"]).perspective is None
