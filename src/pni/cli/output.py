"""One way to print a command's data: ``--format table|json|jsonl|csv`` (``--json`` is shorthand
for ``--format json``), always on stdout. Notices and progress go to stderr (``common.say``).

Every command hands :func:`emit` its records under one stable top-level key, so the shapes are
predictable (``{"stories": [...]}``, ``{"run_id": 3, "patterns": [...]}``):

- ``json``: one document, ``{**meta, key: records}``.
- ``jsonl``: one JSON object per record (``meta`` is left out; each record stands alone).
- ``csv``: a header and one row per record, every field; lists are joined with ``"; "``,
  objects as JSON, booleans ``true``/``false``.
- ``table``: for people. On a terminal a rich table sized to it; piped, plain aligned columns
  that are never folded, so ``grep``/``cut`` see whole values.

A command whose people's view is not a table passes ``show=``, a function that prints it.

Example, in a command::

    fmt = output_format(format_, json_)
    emit(fmt, "stories", [s.model_dump(mode="json") for s in stories],
         columns=["id", "source_id", "kind"], title=f"{len(stories)} stories")
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Sequence
from enum import Enum, StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer


class Format(StrEnum):
    """How a command prints its data on stdout."""

    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


FormatOpt = Annotated[
    Format | None,
    typer.Option("--format", "-F", case_sensitive=False, show_default=False,
                 help="Output on stdout: table (for people; the default), json, jsonl or csv."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Shorthand for --format json.")]


def output_format(format_: Format | str | None, json_: bool = False) -> Format:
    """The format a command prints in: ``--json`` is ``--format json``; both, differing, is an
    error."""
    from pni.errors import UsageError

    fmt = Format(format_) if format_ is not None else None
    if json_ and fmt not in (None, Format.json):
        raise UsageError(f"--json and --format {fmt.value if fmt else ''}: choose one",
                         param="format")
    if json_:
        return Format.json
    return fmt or Format.table


def _default(o: Any) -> Any:
    if hasattr(o, "model_dump"):
        return o.model_dump(mode="json")
    if isinstance(o, Path):
        return str(o)
    if hasattr(o, "isoformat"):
        return o.isoformat()
    if hasattr(o, "tolist"):
        return o.tolist()
    if isinstance(o, set | frozenset):
        return sorted(o)
    if isinstance(o, Enum):
        return o.value
    if hasattr(o, "__dataclass_fields__"):
        from dataclasses import asdict

        return asdict(o)
    return str(o)


def to_json(obj: Any, *, indent: int | None = 2) -> str:
    """``obj`` as JSON text (pydantic models, dataclasses, paths and dates included)."""
    return json.dumps(obj, ensure_ascii=False, indent=indent, default=_default)


def emit_json(obj: Any) -> None:
    """One JSON document on stdout."""
    sys.stdout.write(to_json(obj) + "\n")
    sys.stdout.flush()


def cell(value: Any) -> str:
    """A value as a table or CSV cell: lists joined with '; ', booleans yes/no, None empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list | tuple):
        return "; ".join(cell(v) for v in value)
    if isinstance(value, dict):
        return to_json(value, indent=None)
    return str(value)


def csv_cell(value: Any) -> str:
    """A value as a CSV field: full precision, true/false, lists joined with '; ', text that a
    spreadsheet would run as a formula neutralised (``pni.privacy.spreadsheet``)."""
    from pni.privacy.spreadsheet import safe_cell

    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return str(safe_cell("; ".join(str(v) if isinstance(v, int | float) else csv_cell(v)
                                       for v in value)))
    if isinstance(value, dict):
        return to_json(value, indent=None)
    return str(safe_cell(value))


def header(key: str) -> str:
    return key.replace("_", " ")


def _columns(records: Sequence[dict[str, Any]], columns: Sequence[str] | None) -> list[str]:
    if columns is not None:
        return list(columns)
    seen: dict[str, None] = {}
    for r in records:
        for k in r:
            seen.setdefault(k, None)
    return list(seen)


def emit(
    fmt: Format,
    key: str,
    records: Sequence[dict[str, Any]] | dict[str, Any],
    *,
    columns: Sequence[str] | None = None,
    title: str | None = None,
    meta: dict[str, Any] | None = None,
    show: Callable[[], None] | None = None,
    rows: Sequence[dict[str, Any]] | None = None,
) -> None:
    """Print ``records`` (a list of objects, or one object) in ``fmt`` on stdout.

    ``key`` is the stable top-level JSON key; ``meta`` adds run-level fields to the JSON object;
    ``columns`` picks and orders the table and CSV columns (default: every key seen);
    ``show`` replaces the default table with a command's own view for people; ``rows`` gives
    the records of jsonl, csv and the default table when they are not ``records`` (a command
    whose JSON value is one object of counts, say).
    """
    if rows is None:
        rows = [records] if isinstance(records, dict) else list(records)
    if fmt is Format.json:
        emit_json({**(meta or {}), key: records})
        return
    out = sys.stdout
    if fmt is Format.jsonl:
        for r in rows:
            out.write(to_json(r, indent=None) + "\n")
    elif fmt is Format.csv:
        cols = _columns(rows, columns)
        w = csv.writer(out, lineterminator="\n")
        w.writerow(cols)
        for r in rows:
            w.writerow([csv_cell(r.get(c)) for c in cols])
    elif show is not None:
        show()
    else:
        cols = _columns(rows, columns)
        table(title, [header(c) for c in cols], [[r.get(c) for c in cols] for r in rows])
    out.flush()


def stdout_is_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def table(title: str | None, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """A table for people on stdout: rich and sized to a terminal, plain columns when piped."""
    cells = [[cell(v) if not isinstance(v, str) else v for v in r] for r in rows]
    if stdout_is_terminal():
        from rich.table import Table

        t = Table(title=title, header_style="bold")
        for h in headers:
            t.add_column(h, overflow="fold")
        for r in cells:
            t.add_row(*r)
        out().print(t)
        return
    write_plain(title, headers, cells)


def write_plain(title: str | None, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Aligned columns, two spaces apart, nothing folded or cut; newlines in cells become
    spaces so each row stays one line."""
    flat = [[" ".join(c.split()) if ("\n" in c or "\r" in c) else c for c in r] for r in rows]
    widths = [len(h) for h in headers]
    for r in flat:
        for i, c in enumerate(r[: len(widths)]):
            widths[i] = max(widths[i], len(c))
    lines = []
    if title:
        lines.append(title)
    for r in [list(headers), ["-" * w for w in widths], *flat]:
        lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)).rstrip())
    sys.stdout.write("\n".join(lines) + "\n")


def out() -> Any:
    """A rich console on stdout for a command's own view (``emit(..., show=...)``): styled on a
    terminal, plain text when piped, never wrapped at 80 columns into a file."""
    from rich.console import Console

    if stdout_is_terminal():
        return Console(highlight=False)
    return Console(highlight=False, no_color=True, width=100_000, soft_wrap=True)
