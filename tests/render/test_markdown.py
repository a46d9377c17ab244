"""One Markdown escaper: story text never becomes a live link or image in any Markdown output."""

import re

import pytest
from markdown_it import MarkdownIt

from pni.render.markdown import md_escape, md_inline

HOSTILE = [
    "![t](http://example.org/pixel.png)",
    "[click](https://evil.example/?x=1)",
    "<img src=//evil.example/p.png>",
    "![x](data:image/png;base64,AAAA)",
    "see http://evil.example/track and www.evil.example",
    "[ref]: http://evil.example/ref\n\n[ref]",
    "<https://evil.example>",
    "# heading\n- item\n1. one | a | b |",
]
_LIVE = re.compile(r"""<[a-z][^>]*\b(?:href|src)\s*=""", re.IGNORECASE)  # a real attribute


@pytest.mark.parametrize("text", HOSTILE)
def test_no_live_reference_survives_escaping(text: str) -> None:
    for esc in (md_escape, md_inline):
        html = MarkdownIt("commonmark").render(esc(text))
        assert not _LIVE.search(html), html
        assert "<img" not in html and "<a " not in html


def test_text_reads_as_written() -> None:
    html = MarkdownIt("commonmark").render(md_escape("![t](http://x.org/p.png) *b* 1. a"))
    assert "![t](http://x.org/p.png) *b* 1. a" in html
