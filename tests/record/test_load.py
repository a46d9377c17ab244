from pathlib import Path

from pni.record import record_file
from pni.record.status import section
from pni.store import Store
from pni.store.outcomes import list_outcome_rejects, list_outcomes

CSV = """session,group,exercise,kind,text,stories,patterns
S1,1,landscape,discovery,"Listened-to students, hopeful stories",SYN-000;SYN-004,1
S1,1,landscape,Dilemmas,Homework builds habits but takes family time,,2
S1,2,timeline,wish,Something,,
S1,2,timeline,idea,,,
S1,2,timeline,idea,Check in weekly,SYN-999,
S1,2,timeline,idea,Check in weekly,,99
S1,2,timeline,idea,Check in weekly,,P3
"""


def test_record_keeps_good_rejects_bad_with_line(with_run: tuple[Store, list[str], int],
                                                 tmp_path: Path) -> None:
    db, ids, _ = with_run
    f = tmp_path / "o.csv"
    f.write_text(CSV, "utf-8")
    assert section(db) is None
    r = record_file(db, f)
    assert (r.read, r.stored, r.rejected, r.duplicates) == (7, 3, 4, 0)
    assert [(x.line, x.reason.split(" (")[0]) for x in r.rejects] == [
        (4, "unknown kind 'wish'"), (5, "empty text"), (6, "unknown story 'SYN-999'"),
        (7, "unknown pattern '99'")]
    assert str(r.rejects[0]).startswith(f"{f}, line 4: unknown kind")
    outs = list_outcomes(db)
    assert [o.kind for o in outs] == ["discovery", "dilemma", "idea"]
    assert outs[0].stories == sorted([ids[0], ids[4]]) and outs[0].patterns == [1]
    assert outs[2].patterns == [3]
    assert len(list_outcome_rejects(db)) == 4
    # idempotent: a second run stores nothing and keeps one reject per line and reason
    r2 = record_file(db, f)
    assert (r2.stored, r2.duplicates, r2.rejected) == (0, 3, 4)
    assert len(list_outcomes(db)) == 3 and len(list_outcome_rejects(db)) == 4
    s = section(db)
    assert s is not None and s["total"] == 3 and s["rejected"] == 4
    assert ["S1", "outcome", "discovery", 1, 1] in s["rows"]


def test_dry_run_writes_nothing(with_run: tuple[Store, list[str], int], tmp_path: Path) -> None:
    db, _, _ = with_run
    f = tmp_path / "o.csv"
    f.write_text(CSV, "utf-8")
    r = record_file(db, f, dry_run=True)
    assert r.stored == 3 and r.rejected == 4 and r.dry_run
    assert list_outcomes(db) == [] and list_outcome_rejects(db) == []


def test_markdown_and_yaml_record_the_same_way(with_run: tuple[Store, list[str], int],
                                               tmp_path: Path) -> None:
    db, ids, _ = with_run
    md = tmp_path / "o.md"
    md.write_text("Session: S2\nGroup: 1\n# Timeline\n## Questions\n- Why January? (stories:"
                  f" {ids[3]})\n## Remindings\n- A story of my own\n", "utf-8")
    y = tmp_path / "o.yaml"
    y.write_text("- {session: S2, group: 1, exercise: Timeline, kind: question,"
                 f" text: 'Why January?', stories: [{ids[3]}]}}\n", "utf-8")
    assert record_file(db, md).stored == 2
    r = record_file(db, y)
    assert r.stored == 0 and r.duplicates == 1  # the same outcome, from another file
    kinds = [o.kind for o in list_outcomes(db)]
    assert kinds == ["question", "story"]


def test_a_filled_capture_template_is_recorded_whole(with_run: tuple[Store, list[str], int],
                                                     tmp_path: Path) -> None:
    """The capture template `pni packet` writes, filled in as a room would: card codes in any
    case, NarraFirma's section types, a timeline's order, a landscape's places, a composite
    story; the template rows left empty are not records."""
    from pni.packet.capture import capture_template
    from pni.store.codes import story_codes

    db, ids, _ = with_run
    codes = story_codes(db)
    a, b, c = (codes[i] for i in ids[:3])
    template, _ = capture_template(["Group 1"], session="S1")
    rows = template.splitlines()
    filled = [rows[0],
              f"S1,Group 1,resonant story,pivot,,,The day it turned,we all went quiet,"
              f"{a.lower()},,",
              f"S1,Group 1,construction,timeline,,first week to June,,,{c};card {a};{b},,",
              f"S1,Group 1,construction,landscape,,our landscape,,,,,{a}@top left;{b}@centre",
              f"S1,Group 1,construction,composite,Lunch,A story we built from three,,,"
              f"{a};{b};{c},,",
              f"S1,Group 1,outcome,learning,,Adults who notice matter most,,,{b},1,",
              "S1,,reflection,facilitator,,The room was quiet at first,,,,,",
              *rows[1:]]  # the empty template rows stay in the file
    f = tmp_path / "capture.csv"
    f.write_text("\n".join(filled) + "\n", "utf-8")
    r = record_file(db, f)
    assert (r.read, r.stored, r.rejected) == (6, 6, 0), r.rejects
    by = {(o.section, o.type): o for o in list_outcomes(db)}
    story = by[("resonant story", "pivot")]
    assert story.stories == [ids[0]] and story.why == "The day it turned"
    assert story.said == "we all went quiet" and story.kind == "story"
    assert by[("construction", "timeline")].detail["order"] == [ids[2], ids[0], ids[1]]
    assert by[("construction", "landscape")].detail["placements"] == {
        ids[0]: "top left", ids[1]: "centre"}
    comp = by[("construction", "composite story")]
    assert comp.name == "Lunch" and sorted(comp.stories) == sorted(ids[:3])
    learning = by[("outcome", "learning")]
    assert learning.kind == "other" and learning.patterns == [1]
    assert by[("reflection", "facilitator")].group is None
    assert record_file(db, f).stored == 0  # recording it again adds nothing
    bad = tmp_path / "bad.csv"
    bad.write_text(f"{rows[0]}\nS1,G,construction,poem,,x,,,,,\nS1,G,resonant story,voice,,"
                   f"x,,,,,\nS1,G,construction,landscape,,x,,,,,{a}top\n", "utf-8")
    reasons = [x.reason for x in record_file(db, bad).rejects]
    assert reasons[0].startswith("unknown construction type 'poem'")
    assert reasons[1].startswith("a resonant story names its card")
    assert reasons[2].startswith(f"placement '{a}top' is not CARD@PLACE")


def test_the_markdown_capture_template_reads_back(with_run: tuple[Store, list[str], int],
                                                  tmp_path: Path) -> None:
    from pni.packet.capture import capture_template
    from pni.store.codes import story_codes

    db, ids, _ = with_run
    code = story_codes(db)[ids[3]]
    _, md = capture_template(["Group 2"], session="S2")
    md = md.replace("## Resonant stories\n", "## Resonant stories\n\n### voice\n\n"
                    f"- A student we rarely hear (cards: {code}) (why: she named it)\n")
    md = md.replace("## Outcomes\n", "## Outcomes\n\n### curiosity\n\n- Why January? "
                    f"(cards: {code.lower()})\n")
    f = tmp_path / "capture.md"
    f.write_text(md, "utf-8")
    r = record_file(db, f)
    assert (r.stored, r.rejected) == (2, 0), r.rejects
    recs = {o.section: o for o in list_outcomes(db)}
    assert recs["resonant story"].type == "voice" and recs["resonant story"].group == "Group 2"
    assert recs["resonant story"].why == "she named it"
    assert recs["outcome"].type == "curiosity" and recs["outcome"].stories == [ids[3]]
    assert recs["outcome"].session == "S2"


def test_the_return_page_gives_back_what_the_room_made(with_run: tuple[Store, list[str], int],
                                                       tmp_path: Path) -> None:
    """What we heard and what we will do, by session, each thing with its card codes; a card
    whose story may not be printed is named by its code alone; the groups' words redacted."""
    from pni.record.returns import WITHHELD, build_return
    from pni.render.return_page import render_html, render_md
    from pni.store.codes import story_codes

    db, ids, _ = with_run
    codes = story_codes(db)
    no = next(i for i in ids if db.scalar("SELECT consent FROM stories WHERE id = ?", (i,))
              == "no")
    f = tmp_path / "capture.csv"
    f.write_text("session,group,section,type,name,text,why,said,cards,patterns,place\n"
                 f"S1,G1,resonant story,voice,,,Call Ms. Quill at 617-555-0143,,{codes[ids[0]]},,\n"
                 f"S1,G1,construction,composite story,Lunch,We built it,,,"
                 f"{codes[ids[1]]};{codes[no]},,\n"
                 f"S1,G2,outcome,recommendation,,<b>Greet</b> every student by name,,,"
                 f"{codes[ids[2]]},,\n"
                 "S1,,reflection,facilitator,,The parents spoke first,,,,,\n", "utf-8")
    assert record_file(db, f).stored == 4
    page = build_return(db)
    [s] = page.sessions
    assert s.groups == ["G1", "G2"] and list(s.heard) == ["Stories that stood out",
                                                          "What the groups built"]
    assert [i.text for i in s.to_do] == ["<b>Greet</b> every student by name"]
    comp = s.heard["What the groups built"][0]
    assert [c.code for c in comp.cards] == [codes[ids[1]], codes[no]]
    assert comp.cards[1].title == ""  # consent no: its code, never its title
    # the composite drew on a story whose teller said no: kept, its code printed, not its text
    assert comp.story is not None and comp.story.code.startswith("C")
    assert comp.text == WITHHELD
    md, html = render_md(page), render_html(page)
    for text in (md, html):
        assert "617-555-0143" not in text and "[phone]" in text.replace("\\", "")
        assert "What we will do" in text and codes[ids[2]] in text
        assert "We built it" not in text and f"Kept as story {comp.story.code}" in text
    assert "<b>Greet</b>" not in html and "&lt;b&gt;Greet" in html


def test_a_recorded_capture_file_shows_in_the_report_and_the_return_page(
        with_run: tuple[Store, list[str], int], tmp_path: Path) -> None:
    """Issue 22's loop closed: what the room made, recorded with `pni record`, is in report.html,
    report.md and the return page, the composite story stored, linked to its cards, printed."""
    from pni.explore.report import build_report
    from pni.record.returns import build_return
    from pni.render import report_html, report_md
    from pni.render.return_page import render_md
    from pni.store.codes import story_codes

    db, ids, run = with_run
    codes = story_codes(db)
    f = tmp_path / "capture.csv"
    f.write_text("session,group,section,type,name,text,why,said,cards,patterns,place\n"
                 f"Spring,G1,construction,composite story,Lunch table,The new kid sat alone "
                 f"until the bell,,,{codes[ids[0]]};{codes[ids[1]]},,\n"
                 f"Spring,G1,outcome,discovery,,Noticing happens at the door,,,{codes[ids[2]]},,"
                 "\n", "utf-8")
    assert record_file(db, f).stored == 2
    stored = {o.type: o for o in list_outcomes(db)}
    assert stored["composite story"].stories == sorted(ids[:2])  # linked to its cards
    rep = build_report(db, run_id=run)
    md, html = report_md.render(rep), report_html.render(rep)
    back = render_md(build_return(db))
    for text in (md, html, back):
        assert "The new kid sat alone until the bell" in text
        assert "Noticing happens at the door" in text and codes[ids[2]] in text
        assert "Kept as story C1" in text
    assert 'id="sessions"' in html and "What the sessions made" in md
    # stored as a story of kind composite, with its own code, linked to its cards in order
    from pni.privacy.gate import Gate
    from pni.store.composites import sources_of
    from pni.store.imports import story_texts
    from pni.store.stories import list_stories

    [comp] = list_stories(db, source_kind="composite")
    assert comp.text == "The new kid sat alone until the bell" and comp.title == "Lunch table"
    assert story_codes(db)[comp.id] == "C1" and sources_of(db) == {comp.id: ids[:2]}
    assert Gate.open(db).made_from([comp.id]) == {comp.id: [codes[ids[0]], codes[ids[1]]]}
    # not a raw story: never clustered, embedded, explored or dealt as a card
    assert comp.id not in {s.id for s in list_stories(db)}
    assert comp.id not in {sid for sid, _, _ in story_texts(db)}
    assert comp.id not in rep.stories
    assert record_file(db, f).composites == 0  # recording again adds no second composite
    assert len(list_stories(db, source_kind="composite")) == 1


def test_a_composite_story_recorded_before_it_was_a_story_is_kept_on_re_record(
        with_run: tuple[Store, list[str], int], tmp_path: Path) -> None:
    """A store that recorded a capture file before composite stories were stories gets the
    story when the same file is recorded again (its outcome is a duplicate, nothing else)."""
    from pni.store.stories import list_stories

    db, ids, _ = with_run
    f = tmp_path / "capture.csv"
    f.write_text("session,group,section,type,name,text,cards\n"
                 f"S,G,construction,composite story,Bus,On the bus nobody spoke,{ids[0]}\n"
                 "S,G,construction,composite story,Nothing,A story from no card,\n",
                 "utf-8")
    r = record_file(db, f)
    assert (r.stored, r.composites, r.rejected) == (1, 1, 1)
    assert r.rejects[0].reason.startswith("a composite story names the cards")
    db.execute("DELETE FROM story_sources")
    db.execute("DELETE FROM story_codes WHERE story_id IN"
               " (SELECT id FROM stories WHERE source_kind = 'composite')")
    db.execute("DELETE FROM stories WHERE source_kind = 'composite'")
    again = record_file(db, f)
    assert (again.stored, again.duplicates, again.composites) == (0, 1, 1)
    assert [s.title for s in list_stories(db, source_kind="composite")] == ["Bus"]
