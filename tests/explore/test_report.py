from __future__ import annotations

from pathlib import Path

from pni.explore.report import build_report, save_report
from pni.store import Store
from pni.store.observations import list_observations


def test_report_on_the_fixture_and_saved_observations(
        with_run: tuple[Store, list[str], int]) -> None:
    db, _, run_id = with_run
    rep = build_report(db)
    assert rep.run is not None and rep.run["id"] == run_id
    # tables with a cell from fewer than 5 tellers are listed as skipped, their statistic unshown
    withheld = [s for s in rep.skipped if s.reason.startswith("statistic not shown: a cell")]
    assert len(rep.tests) > 40 and len(rep.tests) + len(withheld) > 50
    assert len(rep.observations) >= 5 and sum(t.notable for t in rep.tests) >= 20
    assert len(rep.map_points) == 60 and rep.heatmaps and rep.voices.dimensions
    assert "tests were run on 60 stories" in rep.caution
    # consent "no" stories show no text anywhere in the report
    withheld = {p.story_id for p in rep.map_points if p.first_line.startswith("(text withheld")}
    assert len(withheld) == 6
    save_report(db, rep)
    saved = list_observations(db, run_id)
    assert [o.text for o in saved] == [o.text for o in rep.observations]
    assert all(len(o.interpretations) >= 2 for o in saved)


def test_report_without_a_run(populated: tuple[Store, list[str]]) -> None:
    db, _ = populated
    rep = build_report(db)
    assert rep.run is None and not rep.map_points and not rep.heatmaps
    assert "pattern lens" in rep.notes[0]
    assert rep.tests and all(t.lens == "answer" for t in rep.tests)
    save_report(db, rep)
    assert list_observations(db, None)


def test_no_run_flag_ignores_an_existing_run(with_run: tuple[Store, list[str], int]) -> None:
    db, _, _ = with_run
    rep = build_report(db, no_run=True)
    assert rep.run is None and "--no-run" in rep.notes[0]


def test_report_redacts_names_and_contacts(with_run: tuple[Store, list[str], int],
                                           tmp_path: Path) -> None:
    db, ids, _ = with_run
    db.execute("UPDATE stories SET title = 'Talk with Jordan, jordan@example.org' WHERE id = ?",
               (ids[0],))
    names = tmp_path / "names.txt"
    names.write_text("# people\nJordan\n", "utf-8")
    shown = build_report(db, names_file=names).model_dump_json()
    assert "Jordan" not in shown and "jordan@example.org" not in shown
    assert "[name]" in shown and "[email]" in shown
    raw = build_report(db, names_file=names, redact=False)
    assert "Jordan" in raw.model_dump_json() and any("Not redacted" in n for n in raw.notes)


def test_the_report_names_stories_by_their_card_codes(
        with_run: tuple[Store, list[str], int]) -> None:
    """The stories behind an observation are named by the code printed on their cards, which
    `pni stories show` and `pni record` read; the store id stays out of the text."""
    from pni.render import report_md
    from pni.store.codes import story_codes

    db, _, run = with_run
    rep = build_report(db, run_id=run)
    behind = [sid for o in rep.observations for sid in o.story_ids[:8]]
    assert behind
    codes = story_codes(db)
    md = report_md.render(rep)
    for sid in behind:
        assert rep.stories[sid]["code"] == codes[sid]
        assert f"**{codes[sid]}**" in md and f"({sid})" not in md


def test_the_story_browser_lists_only_printable_stories_redacted(
        with_run: tuple[Store, list[str], int], tmp_path: Path) -> None:
    """The browser's data (what report.html embeds) passes the same gate as the rest: consent
    "yes" only, names, e-mail addresses and phone numbers redacted in titles and text."""
    from pni.render import report_html

    db, ids, _ = with_run
    db.execute("UPDATE stories SET title = 'Talk with Jordan', text = text || ' Call Jordan at "
               "jordan@example.org or +1 415 555 0134.' WHERE id = ?", (ids[0],))
    names = tmp_path / "names.txt"
    names.write_text("Jordan\n", "utf-8")
    rep = build_report(db, names_file=names)
    assert rep.browser is not None
    data = rep.browser.model_dump_json()
    assert "Jordan" not in data and "jordan@example.org" not in data and "555" not in data
    assert "[name]" in data and "[email]" in data and "[phone]" in data
    consent = {r["id"]: r["consent"] for r in db.query("SELECT id, consent FROM stories")}
    listed = {s.id for s in rep.browser.stories}
    assert listed == {sid for sid, c in consent.items() if c == "yes"}
    assert rep.browser.withheld == len(consent) - len(listed) > 0
    html = report_html.render(rep)
    assert "Jordan" not in html and "jordan@example.org" not in html
