from pathlib import Path

import pytest

from pni.errors import UsageError
from pni.packet import PacketOptions, build_packets
from pni.settings import Settings
from pni.store import Store
from pni.store.observations import save_observations
from tests.packet.helpers import HOSTILE, LISTED, TELLER, forbidden, make_hostile

Run = tuple[Store, list[str], int]


def _text(packet: object) -> str:
    return packet.model_dump_json()  # type: ignore[attr-defined]


def test_full_packet_has_guide_patterns_cards_exercises_outcomes(with_run: Run) -> None:
    db, ids, _ = with_run
    [p] = build_packets(db, PacketOptions(groups=1, cards=500, exercises=["all"], lenses=["cynefin", "value-cycles"]))
    assert p.kind == "full" and p.guide is not None
    assert [e.name for e in p.exercises] == ["encounter", "ranking", "remindings", "twice-told",
                                             "timeline", "landscape", "elements", "composite",
                                             "capture"]  # the capture sheet last
    assert len(p.patterns) == 4 and all(s.codes for s in p.patterns)
    # a pattern sheet names its cards by code: no card is printed twice
    assert sorted(c for s in p.patterns for c in s.codes) == sorted(
        c.code for c in p.cards if c.pattern_id is not None)
    capture = p.exercises[-1]
    assert [b.label for b in capture.worksheet if b.kind == "table"] == [
        "Stories that stood out", "Patterns that stood out", "What we built", "What we found"]
    assert [lens.name for lens in p.lenses] == ["cynefin", "value-cycles"]
    assert [i.name for i in p.lenses[0].items] == ["Clear", "Complicated", "Complex", "Chaotic"]
    # agenda: welcome, exercises (with breaks), wrap-up, end; times add up
    titles = [a.title for a in p.guide.agenda]
    assert titles[0].startswith("Welcome") and titles[-1] == "End"
    assert all(e.title in titles for e in p.exercises if e.name != "capture")
    assert any("capture sheet" in t for t in titles)  # the wrap-up fills in the capture sheet
    assert any(t.startswith("What the computer noticed") for t in titles)  # patterns printed
    assert any(t.startswith("Looking through a lens") for t in titles)  # lenses printed
    # every consent-yes story of the run is a card, consent-no ones are not
    consent = {r["id"]: r["consent"] for r in db.query("SELECT id, consent FROM stories")}
    assert {c.id for c in p.cards} == {i for i in ids if consent[i] == "yes"}
    card = p.cards[0]
    assert card.answers and card.teller
    assert any(a.question == "How did you feel?" for a in card.answers)


def test_privacy_in_the_packet(with_run: Run, tmp_path: Path) -> None:
    db, ids, _ = with_run
    names = make_hostile(db, ids, tmp_path)
    [p] = build_packets(db, PacketOptions(groups=1, cards=500, exercises=["all"], names_file=names))
    text = _text(p)
    for bad in forbidden():
        assert bad not in text, bad
    assert ids[2] not in {c.id for c in p.cards}  # unknown consent: out by default
    assert any("not printed" in x for x in p.cover.privacy)
    assert not p.cover.warning
    hostile = next(c for c in p.cards if c.id == ids[0])
    # data, unchanged but for the web address (renderers escape it)
    assert hostile.text == HOSTILE.replace("http://x", "[url]")


def test_unknown_consent_on_request_and_no_redact(with_run: Run, tmp_path: Path) -> None:
    db, ids, _ = with_run
    names = make_hostile(db, ids, tmp_path)
    [p] = build_packets(db, PacketOptions(groups=1, cards=500, include_unknown=True, redact=False, names_file=names))
    assert ids[2] in {c.id for c in p.cards}
    assert any("ARE printed" in x for x in p.cover.privacy)
    assert "NOT REDACTED" in p.cover.warning
    assert LISTED in _text(p)
    assert TELLER not in _text(p)  # names never come from the teller record itself
    assert "Quintessa" not in _text(p)  # consent "no" holds even unredacted


def test_landscape_axes(with_run: Run) -> None:
    db, _, _ = with_run
    [p] = build_packets(db, PacketOptions(groups=1, cards=500, exercises=["landscape"]))
    grid = p.exercises[0].worksheet[0]
    assert grid.kind == "grid" and grid.axes[0] == "How much did you belong?"
    assert grid.ends[:2] == ["1", "5"]
    [p] = build_packets(db, PacketOptions(groups=1, cards=500, exercises=["landscape"], axes=["feeling", "belonging"]))
    grid = p.exercises[0].worksheet[0]
    assert grid.axes == ["How did you feel?", "How much did you belong?"]
    assert "How did you feel?" in p.guide.exercises[0].facilitator_steps[0]  # type: ignore[union-attr]
    with pytest.raises(UsageError, match="no question nope"):
        build_packets(db, PacketOptions(groups=1, cards=500, axes=["nope", "feeling"]))


def test_bad_choices_are_usage_errors(with_run: Run) -> None:
    db, _, _ = with_run
    with pytest.raises(UsageError, match="no exercise"):
        build_packets(db, PacketOptions(groups=1, cards=500, exercises=["dance"]))
    with pytest.raises(UsageError, match="no lens"):
        build_packets(db, PacketOptions(groups=1, cards=500, lenses=["astrology"]))
    with pytest.raises(UsageError, match="no pattern 99"):
        build_packets(db, PacketOptions(groups=1, cards=500, patterns=[99]))


def test_chosen_patterns_only(with_run: Run) -> None:
    db, _, _ = with_run
    [p] = build_packets(db, PacketOptions(groups=1, cards=500, patterns=[2]))
    assert [s.id for s in p.patterns] == [2]
    assert {c.pattern_id for c in p.cards} == {2}
    assert sorted(p.patterns[0].codes) == sorted(c.code for c in p.cards)


def test_observations_with_interpretations(with_run: Run) -> None:
    db, ids, run = with_run
    [p] = build_packets(db, PacketOptions(groups=1, cards=500))
    assert p.observations == []
    obs = [{"lens": "pattern", "kind": "pattern_choice", "text": "Belonging stories feel hurt.",
            "story_ids": [ids[0], ids[9]], "interpretations": ["Students are lonely.",
                                                               "Only lonely students wrote."]}]
    save_observations(db, run, obs)  # as a pni from before cross-table cells were hidden
    [p] = build_packets(db, PacketOptions(groups=1, cards=500))
    assert p.observations == [] and "run `pni explore` again" in p.cover.privacy[-1]
    [p] = build_packets(db, PacketOptions(groups=1, cards=500, settings=Settings(min_cell=1)))
    assert len(p.observations) == 1
    save_observations(db, run, obs, params={"min_cell": 5, "small_cell_rule": 3})
    [p] = build_packets(db, PacketOptions(groups=1, cards=500))
    [o] = p.observations
    assert o.interpretations == ["Students are lonely.", "Only lonely students wrote."]
    code = next(c.code for c in p.cards if c.id == ids[0])
    assert o.cards == [code] and o.others == 1  # the consent-no story is not named
    assert code == "F1"  # one short code: a letter for how it was gathered and a number


def test_groups_get_balanced_disjoint_decks(with_run: Run) -> None:
    db, _, _ = with_run
    packets = build_packets(db, PacketOptions(groups=3))
    fac, *groups = packets
    assert fac.kind == "facilitator" and fac.guide is not None and not fac.cards
    # the facilitator file holds the patterns and observations; groups get cards, worksheets
    assert fac.patterns and not any(g.patterns or g.observations for g in groups)
    for g in groups:
        assert [c.code for c in g.cards] == sorted((c.code for c in g.cards),
                                                   key=lambda x: (x[0], int(x[1:])))
    assert [g.group for g in groups] == [1, 2, 3]
    decks = [{c.id for c in g.cards} for g in groups]
    assert sum(len(d) for d in decks) == len(set().union(*decks))  # no story twice
    assert max(map(len, decks)) - min(map(len, decks)) <= 1
    for pid in (1, 2, 3, 4):
        per = [sum(c.pattern_id == pid for c in g.cards) for g in groups]
        assert max(per) - min(per) <= 1
    roles = [[int(r.tellers.get("student", "0")) for r in fac.allocation]]
    assert max(roles[0]) - min(roles[0]) <= 1
    assert all(g.cover.group == f"Group {g.group}" for g in groups)


def test_prompts_override_by_file_and_key(with_run: Run, tmp_path: Path) -> None:
    db, _, _ = with_run
    (tmp_path / "exercises").mkdir()
    (tmp_path / "labels.yaml").write_text("cards: Geschichten\n", "utf-8")
    (tmp_path / "exercises" / "timeline.yaml").write_text("title: Zeitleiste\n", "utf-8")
    (tmp_path / "exercises" / "walk.yaml").write_text(
        "title: Story walk\nminutes: 15\norder: 0\nworksheet:\n  - kind: lines\n    lines: 3\n",
        "utf-8")
    [p] = build_packets(db, PacketOptions(groups=1, cards=500, prompts_dir=tmp_path, exercises=["walk", "timeline"]))
    assert p.labels["cards"] == "Geschichten"
    assert p.labels["card"] == "Card"  # keys left out keep the default wording
    assert [e.title for e in p.exercises][:2] == ["Story walk", "Zeitleiste"]
    assert p.exercises[1].minutes == 35  # the rest of timeline.yaml still applies


def test_pattern_sheets_say_how_firm(with_run: Run) -> None:
    db, _, _ = with_run
    [p] = build_packets(db, PacketOptions(groups=1, cards=500))
    first = p.patterns[0]
    assert "95%" in first.firmness and "loosely" in first.firmness
    from pni.render.packet_md import render_md

    assert "How firm" in render_md(p)


def _mix_counts(lines: list[str]) -> list[int]:
    import re

    return [int(n) for line in lines for n in re.findall(r" (\d+)(?:,|$)", line)]


def test_teller_mix_and_deal_hide_small_groups(store: Store, tmp_path: Path) -> None:
    from pni.render.packet_html import render_html
    from pni.render.packet_md import render_md
    from tests.helpers import LIBRARIAN, small_groups

    small_groups(store, cross=True)
    [p] = build_packets(store, PacketOptions(groups=1, cards=500, settings=Settings(min_cell=1)))
    one = next(s for s in p.patterns if s.number == 1)
    assert any(f"{LIBRARIAN} 3" in m for m in one.teller_mix)  # min_cell = 1: as told

    fac, *_ = build_packets(store, PacketOptions(groups=3, settings=Settings(min_cell=5)))
    [p] = build_packets(store, PacketOptions(groups=1, cards=500, settings=Settings(min_cell=5)))
    sheets = {s.number: s for s in p.patterns}
    assert sheets[5].teller_mix == ["Not shown: fewer than 5 tellers told this pattern's stories."]
    assert sheets[5].codes  # its stories still print
    # the 3 counselors of the run are counted with the librarians, in a column that says so
    assert any(f"{LIBRARIAN}, or another answer held by fewer than 5 tellers" in m
               for m in sheets[1].teller_mix)
    assert not any("counselor" in m for s in p.patterns for m in s.teller_mix)
    assert any("<5" in m for s in p.patterns for m in s.teller_mix)
    for s in p.patterns:
        assert all(n == 0 or n >= 5 for n in _mix_counts(s.teller_mix)), s.teller_mix
    cells = [[r.tellers.get(v, "0") for v in ("student", "teacher", LIBRARIAN)]
             for r in fac.allocation]
    hidden = ("<5", "hidden")
    assert all(c in hidden or int(c) == 0 or int(c) >= 5 for row in cells for c in row)
    assert any(c == "<5" for row in cells for c in row)
    for line in [*cells, *zip(*cells, strict=True)]:
        assert sum(c in hidden for c in line) != 1, cells  # no hidden cell alone in a line
    assert "fewer than 5 tellers" in fac.allocation_note
    assert any(v.label == "Role" and ("student", "24") in v.rows for v in p.voices), p.voices
    md, html = render_md(p), render_html(p)
    assert "\\<5" in md or "<5" in md
    assert "fewer than 5 tellers told this pattern" in md and "fewer than 5 tellers told" in html
    assert "×" in render_html(fac) and "&lt;5" in render_html(fac)


def test_a_card_prints_the_question_asked_not_the_thanks(with_run: Run) -> None:
    db, ids, _ = with_run
    db.execute("UPDATE stories SET prompt = ? WHERE id = ?",
               ("Thank you, Rosa, that's an honest answer. Next: tell us about a time a test "
                "changed how you saw yourself.", ids[0]))
    [p] = build_packets(db, PacketOptions(groups=1, cards=500))
    card = next(c for c in p.cards if c.id == ids[0])
    assert card.prompt == "Tell us about a time a test changed how you saw yourself."


def test_the_landscape_says_how_many_cards_carry_answers(with_run: Run) -> None:
    db, _, _ = with_run
    [p] = build_packets(db, PacketOptions(groups=1, cards=500, exercises=["landscape"]))
    [ex] = [e for e in p.exercises if e.name == "landscape"]
    with_answers = sum(bool(c.answers) for c in p.cards)
    steps = " ".join(ex.facilitator_steps)
    if with_answers == len(p.cards):
        assert "the tellers' own answers are on the cards" in steps
    db.execute("DELETE FROM answers WHERE story_id = ?", (p.cards[0].id,))
    [p] = build_packets(db, PacketOptions(groups=1, cards=500, exercises=["landscape"]))
    [ex] = [e for e in p.exercises if e.name == "landscape"]
    n = len(p.cards)
    assert f"{n - 1} of the {n} cards carry the tellers' own answers" in " ".join(
        ex.facilitator_steps)
