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
    assert [o["kind"] for o in outs] == ["discovery", "dilemma", "idea"]
    assert outs[0]["stories"] == sorted([ids[0], ids[4]]) and outs[0]["patterns"] == [1]
    assert outs[2]["patterns"] == [3]
    assert len(list_outcome_rejects(db)) == 4
    # idempotent: a second run stores nothing and keeps one reject per line and reason
    r2 = record_file(db, f)
    assert (r2.stored, r2.duplicates, r2.rejected) == (0, 3, 4)
    assert len(list_outcomes(db)) == 3 and len(list_outcome_rejects(db)) == 4
    s = section(db)
    assert s is not None and s["total"] == 3 and s["rejected"] == 4
    assert ["S1", "discovery", 1, 1] in s["rows"]


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
    kinds = [o["kind"] for o in list_outcomes(db)]
    assert kinds == ["question", "story"]
