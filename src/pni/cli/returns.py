"""`pni return`: the printable return page, what we heard and what we will do."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from pni.cli.common import StoreOpt, open_store, say


def register(app: typer.Typer) -> None:
    app.command("return")(return_page)


def return_page(
    store: StoreOpt = None,
    output: Annotated[Path | None, typer.Option(
        "-o", "--output", help="File to write (.html or .md; default: Markdown on stdout).",
        show_default=False)] = None,
    session: Annotated[str | None, typer.Option(
        "--session", help="Only this session.", show_default=False)] = None,
) -> None:
    """A printable return page for the people the stories came from: what the groups heard
    (stories and patterns that stood out, what they built, what they found) and what they would
    do, by session, each with its card codes. Through the project's privacy gate like every
    output. Example: `pni return -o return.html`.
    """
    from pni.errors import UsageError
    from pni.record.returns import build_return
    from pni.render.base import get_renderer

    fmt = "md" if output is None else output.suffix.lower().lstrip(".")
    if fmt not in ("md", "html"):
        raise UsageError(f"{output}: the return page is written as .html or .md",
                         param="output")
    with open_store(store) as db:
        page = build_return(db, session=session)
    if output is None:
        from pni.render.return_page import render_md

        sys.stdout.write(render_md(page))
        return
    get_renderer("return", fmt).write(page, output)
    n = sum(len(s.groups) for s in page.sessions)
    say(f"Return page: {output} ({len(page.sessions)} session(s), {n} group(s))")
