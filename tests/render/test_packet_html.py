import re
from pathlib import Path

from pni.packet import PacketOptions, build_packets
from pni.render.packet_html import render_html
from pni.store import Store
from tests.packet.helpers import forbidden, make_hostile


def test_html_escapes_and_is_self_contained(with_run: tuple[Store, list[str], int],
                                            tmp_path: Path) -> None:
    db, ids, _ = with_run
    names = make_hostile(db, ids, tmp_path)
    [p] = build_packets(db, PacketOptions(groups=1, cards=500, exercises=["all"], names_file=names))
    html = render_html(p)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "#set page(width: 1cm) *bold* ] $x$" in html
    for bad in forbidden():
        assert bad not in html, bad
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)  # nothing loads from the net
    assert "@import" not in html
    assert "break-before: page" in html  # print CSS
    for ex in p.exercises:
        assert f'id="exercise-{ex.name}"' in html
    assert html.count('class="card cut"') == len(p.cards)


def test_group_cover_in_html(with_run: tuple[Store, list[str], int]) -> None:
    db, _, _ = with_run
    _, g1, _ = build_packets(db, PacketOptions(groups=2))
    assert '<p class="group">Group 1</p>' in render_html(g1)
