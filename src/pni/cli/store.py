"""`pni store copy SRC DST`: move a project between SQLite and PostgreSQL, exactly."""

from __future__ import annotations

from typing import Annotated

import typer

from pni.cli.common import FormatOpt, JsonOpt, emit, output_format, say, table

store_app = typer.Typer(help="Move a project between stores (SQLite file, PostgreSQL URL).",
                        no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(store_app, name="store")


@store_app.command("copy")
def copy(
    src: Annotated[str, typer.Argument(metavar="SRC", help="The project's store: a SQLite file"
                                       " or a postgresql:// URL.")],
    dst: Annotated[str, typer.Argument(metavar="DST", help="A new, empty store: a SQLite file"
                                       " or a postgresql:// URL (an empty database).")],
    format_: FormatOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Copy every story, answer, import, vector, run, observation and outcome from SRC to DST,
    ids included, in one transaction, then check each table's row count and content hash on
    both sides (nothing is written unless all match). Passwords in URLs are never printed.

    JSON: {"tables": [{"table", "rows", "sha256"}, ...], "src", "dst", "rows", "same": true}.
    """
    from pni.store import Store
    from pni.store.copy import copy_store
    from pni.store.url import parse_store

    fmt = output_format(format_, json_)
    src_path, dst_path = parse_store(src), parse_store(dst)
    assert src_path is not None and dst_path is not None
    with Store.open(src_path, create=False) as a, Store.open(dst_path) as b:
        copied = copy_store(a, b)
        where = {"src": a.location, "dst": b.location}
    total = sum(t.rows for t in copied)
    rows = [t.as_json() for t in copied]
    emit(fmt, "tables", rows, meta={**where, "rows": total, "same": True},
         show=lambda: table(f"{where['src']} -> {where['dst']}", ["table", "rows", "sha256"],
                            [[t.table, t.rows, t.sha256[:16]] for t in copied]))
    say(f"Copied {total} rows in {len(copied)} tables from {where['src']} to {where['dst']}:"
        " every table's row count and content hash match.", markup=False)
