from pathlib import Path

from pni.packet import PacketOptions, build_packets
from pni.render.packet_md import esc, render_md
from pni.store import Store
from tests.packet.helpers import forbidden, make_hostile


def test_escape_keeps_text_literal() -> None:
    assert esc("*a* [b] <i> #c $x$ & _d_") == r"\*a\* \[b\] \<i\> \#c \$x\$ \& \_d\_"
    assert esc("- not a list\n1. nor this") == "\\- not a list\n1\\. nor this"


def test_markdown_packet(with_run: tuple[Store, list[str], int], tmp_path: Path) -> None:
    db, ids, _ = with_run
    names = make_hostile(db, ids, tmp_path)
    [p] = build_packets(db, PacketOptions(groups=1, cards=500, exercises=["all"], names_file=names,
                                          lenses=["nested-communities"]))
    md = render_md(p)
    assert "<script>" not in md and r"\<script\>alert(1)\</script\>" in md
    assert r"\#set page(width: 1cm) \*bold\* \] \$x\$" in md
    for bad in forbidden():
        assert bad not in md, bad
    for ex in p.exercises:
        assert f"## {esc(ex.title)}" in md
    assert "# Nested communities: practice, engagement, interest" in md
