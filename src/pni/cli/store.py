"""`pni store copy SRC DST`: move a project between SQLite and PostgreSQL, exactly; `pni store
policy`: the privacy policy a store keeps for every machine that opens it."""

from __future__ import annotations

from typing import Annotated

import typer

from pni.cli.common import (
    FormatOpt,
    JsonOpt,
    StoreOpt,
    emit,
    open_store,
    output_format,
    say,
    table,
)
from pni.errors import UsageError

store_app = typer.Typer(help="Move a project between stores (SQLite file, PostgreSQL URL); the"
                        " privacy policy a shared store keeps.",
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


@store_app.command("policy")
def policy(
    store: StoreOpt = None,
    save: Annotated[bool, typer.Option(
        "--save", help="Keep this folder's pni.toml privacy policy in the store, for every "
        "machine that opens it (a team's shared PostgreSQL store).")] = False,
    format_: FormatOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Show the privacy policy in force on this store, and where each value comes from.

    A store can keep a policy for every machine that opens it (`--save`); each machine's own
    pni.toml can then make it stricter (a larger small-cell threshold, more redaction), never
    looser. Known names are kept in the store already (hashed).

    JSON: {"policy": [{"setting", "value", "pni_toml", "store"}, ...], "saved": BOOL}.
    """
    from pni.privacy.policy import project_settings, save_policy, stored_policy
    from pni.settings import load_settings

    fmt = output_format(format_, json_)
    with open_store(store) as db:
        local = load_settings(db.path) if db.path is not None else None
        before = stored_policy(db)
        if save:
            if local is None:
                raise UsageError("no pni.toml to save: this store has no folder", param="save")
            with db.transaction():
                save_policy(db, local)
        kept = stored_policy(db)
        now = project_settings(db)
    looser: list[str] = []
    if save and before is not None and kept is not None:  # what --save loosened, said
        held = dict(before.strictest(kept).describe())
        looser = [n for n, v in kept.describe()
                  if n not in ("names_file", "card_questions") and held.get(n) != v]
    local_rows = dict(local.describe()) if local is not None else {}
    kept_rows = dict(kept.describe()) if kept is not None else {}
    rows = [{"setting": n, "value": v, "pni_toml": local_rows.get(n),
             "store": kept_rows.get(n) if n != "names_file" else None}
            for n, v in now.describe()]
    emit(fmt, "policy", rows, meta={"saved": save}, show=lambda: table(
        "Privacy policy in force" + (" (the store's, held by every machine)" if kept else ""),
        ["setting", "in force", "pni.toml", "store"],
        [[r["setting"], r["value"], r["pni_toml"] or "", r["store"] or "-"] for r in rows]))
    if save:
        say("Saved in the store: every machine that opens it now holds to this policy.",
            markup=False)
    if looser:
        say(f"Looser than the policy the store kept before: {', '.join(looser)}.", markup=False)
