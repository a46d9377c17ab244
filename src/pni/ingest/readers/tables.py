"""Readers for tables: CSV/TSV (delimiter and encoding sniffed), XLSX (every sheet or one),
JSON (a list of objects, or an object holding one) and JSON Lines."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Literal

from pni.errors import DataError
from pni.ingest.detect import decode
from pni.ingest.readers.base import ReadContext, ReadResult, Row, Table, register
from pni.ingest.records import tables_result
from pni.limits import load_json, value_problem

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
XLSX_MAX_ROWS = 1_048_576  # Excel's own limit; openpyxl would fill the gap to row 10**10


def _header(cells: list[Any]) -> tuple[list[str], list[str]]:
    out, notices, seen = [], [], set()
    for i, c in enumerate(cells, 1):
        name = "" if c is None else str(c).strip()
        if not name:
            name = f"column {i}"
        base, n = name, 2
        while name in seen:
            name = f"{base} ({n})"
            n += 1
        if name != base:
            notices.append(f"column {i} repeats the header {base!r}: read as {name!r}")
        seen.add(name)
        out.append(name)
    return out, notices


def _raw(cells: list[Any]) -> list[str]:
    return ["" if c is None else str(c).strip() for c in cells]


def _is_blank_row(cells: list[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _shape(header: list[str], locator: str, cells: list[Any], raw: str,
           padded: list[int]) -> Row:
    """Pad short rows (counted in a notice); reject rows with extra non-empty cells."""
    n = len(header)
    if len(cells) > n:
        extra = cells[n:]
        if not _is_blank_row(extra):
            return Row(locator, cells, raw,
                       f"ragged row: {len(cells)} cells but the header has {n} columns")
        cells = cells[:n]
    elif len(cells) < n:
        padded[0] += 1
        cells = cells + [None] * (n - len(cells))
    return Row(locator, cells, raw)


DELIMITERS = ",;\t|"


def sniff_delimiter(sample: str) -> str:
    """The delimiter under which the first rows of ``sample`` have the same number of cells as
    the header (most of them, and the most cells on a tie), read as Python's csv module reads
    them: quotes doubled inside a quoted cell are always an escaped quote, so no row the csv
    module reads is refused for a dialect guessed from a few rows. ``,`` when none fits."""
    cut = sample.rfind("\n")
    if 0 < cut < len(sample) - 1:
        sample = sample[:cut]  # the last line may be cut short
    best, best_score = ",", (0.0, 0)
    for d in DELIMITERS:
        try:
            rows = [r for r in csv.reader(io.StringIO(sample, newline=""), delimiter=d)
                    if any(c.strip() for c in r)][:200]
        except csv.Error:
            continue
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        body = rows[1:] or rows
        fit = sum(1 for r in body if len(r) == width) / len(body)
        score = (round(fit, 2), width)
        if score > best_score:
            best, best_score = d, score
    return best


def read_csv(path: Path, tsv: bool = False) -> list[Table]:
    with open(path, "rb") as fh:
        data = fh.read()
    text, notice = decode(data, path)
    sample = text[:65536]
    delimiter = "\t" if tsv else sniff_delimiter(sample)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header_cells = next(reader, None)
        while header_cells is not None and _is_blank_row(header_cells):
            header_cells = next(reader, None)
        if header_cells is None:
            raise DataError("the file has no header row", file=path)
        header, notices = _header(header_cells)
        rows: list[Row] = []
        padded = [0]
        blank = 0
        physical = reader.line_num
        for cells in reader:
            locator = f"row {len(rows) + blank + 2}"
            if _is_blank_row(cells):
                blank += 1
                continue
            raw = json.dumps(cells, ensure_ascii=False)
            rows.append(_shape(header, locator, cells, raw, padded))
            physical = reader.line_num
    except csv.Error as e:
        raise DataError(f"not valid CSV: {e}", file=path,
                        locator=f"line {reader.line_num}") from e
    del physical
    if notice:
        notices.insert(0, notice)
    if not tsv and delimiter != ",":
        notices.append(f"delimiter {delimiter!r} (sniffed)")
    if padded[0]:
        notices.append(f"{padded[0]} row(s) had fewer cells than the header: padded with blanks")
    if blank:
        notices.append(f"{blank} blank row(s) skipped")
    return [Table(header, rows, None, notices, _raw(header_cells))]


def _cell(v: Any) -> Any:
    if isinstance(v, datetime):
        return v.date().isoformat() if v.time() == time(0) else v.isoformat(sep=" ")
    if isinstance(v, date | time):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def read_xlsx(path: Path, sheet: str | None = None) -> list[Table]:
    import zipfile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
        raise DataError(f"cannot open as XLSX: {e}", file=path) from e
    except Exception as e:  # openpyxl, lxml and zlib raise many kinds on damaged parts
        raise DataError(f"cannot open as XLSX: {_damage(e)}", file=path) from e
    try:
        names = wb.sheetnames
        if sheet is not None:
            if sheet not in names:
                raise DataError(f"no sheet {sheet!r}; sheets: {', '.join(names)}", file=path)
            names = [sheet]
        tables = []
        for name in names:
            at = [0]
            try:
                tables.append(_read_sheet(wb, name, at))
            except DataError as e:
                e.file = str(path)
                raise
            except Exception as e:  # a damaged cell: openpyxl raises whatever its parser met
                raise DataError(f"cannot be read: {_damage(e)}", file=path,
                                locator=f"sheet {name!r}, row {at[0] + 1}") from e
        return tables
    finally:
        wb.close()


def _damage(e: BaseException) -> str:
    """What a library exception met in a damaged workbook, in words."""
    msg = str(e).strip() or type(e).__name__
    name = type(e).__name__
    if isinstance(e, TypeError) and msg.startswith("expected"):
        return f"a damaged style part ({msg})"
    if isinstance(e, IndexError):
        return "a cell refers to a shared string that does not exist"
    if name in ("XMLSyntaxError", "ParseError"):
        return f"damaged XML ({msg})"
    if name == "error":  # zlib.error
        return f"damaged compressed data ({msg})"
    if isinstance(e, ValueError) and "convert string to float" in msg:
        return f"a number cell holds text ({msg.split(': ', 1)[-1]})"
    return f"{name}: {msg}"


def _read_sheet(wb: Any, name: str, at: list[int]) -> Table:
    """One sheet as a table; ``at[0]`` is the last row read, so a damaged cell can be placed."""
    it = wb[name].iter_rows(values_only=True)
    header_cells: list[Any] | None = None
    for cells in it:
        at[0] += 1
        if not _is_blank_row(list(cells)):
            header_cells = list(cells)
            break
    if header_cells is None:
        return Table([], [], name, ["empty sheet skipped"])
    while header_cells and header_cells[-1] is None:
        header_cells.pop()
    header, notices = _header(header_cells)
    rows: list[Row] = []
    padded, blank = [0], 0
    for cells in it:
        at[0] += 1
        if at[0] > XLSX_MAX_ROWS:
            raise DataError(f"has rows past row {XLSX_MAX_ROWS:,}, the most a worksheet can"
                            " hold: the file is damaged", locator=f"sheet {name!r}")
        vals = [_cell(c) for c in cells]
        if _is_blank_row(vals):
            blank += 1
            continue
        raw = json.dumps(vals, ensure_ascii=False, default=str)
        rows.append(_shape(header, f"row {at[0]}", vals, raw, padded))
    if blank:
        notices.append(f"{blank} blank row(s) skipped")
    return Table(header, rows, name, notices, _raw(header_cells))


def _records_to_table(records: list[tuple[str, Any, str]], path: Path,
                      problems: dict[str, str] | None = None) -> Table:
    """Records as a table; those in ``problems`` (locator -> reason) become rejected rows but
    still name their columns."""
    problems = problems or {}
    header: list[str] = []
    seen: set[str] = set()
    for locator, rec, _ in records:
        if isinstance(rec, dict):
            for k in rec:
                if locator in problems and value_problem(str(k)):
                    continue
                if str(k) not in seen:
                    seen.add(str(k))
                    header.append(str(k))
    rows = []
    for locator, rec, raw in records:
        if locator in problems:
            rows.append(Row(locator, [], raw, problems[locator]))
            continue
        if not isinstance(rec, dict):
            rows.append(Row(locator, [], raw, f"expected an object, found {type(rec).__name__}"))
            continue
        d = {str(k): v for k, v in rec.items()}
        cells = [_json_cell(d.get(h)) for h in header]
        rows.append(Row(locator, cells, raw))
    return Table(header, rows)


def _json_cell(v: Any) -> Any:
    if isinstance(v, dict):
        return json.dumps(v, ensure_ascii=False)
    return v


def read_json(path: Path) -> list[Table]:
    text, notice = decode(path.read_bytes(), path)
    try:
        data = load_json(text, file=path)
    except json.JSONDecodeError as e:
        raise DataError(f"not valid JSON: {e.msg}", file=path,
                        locator=f"line {e.lineno}, column {e.colno}") from e
    if isinstance(data, dict):
        lists = [(k, v) for k, v in data.items() if isinstance(v, list)]
        if len(lists) != 1:
            raise DataError("expected a list of story objects (or an object holding one list)",
                            file=path)
        data = lists[0][1]
    if not isinstance(data, list):
        raise DataError("expected a list of story objects", file=path)
    records, problems = [], {}
    for i, rec in enumerate(data, 1):
        problem = value_problem(rec)
        if problem:
            problems[f"item {i}"] = problem
            records.append((f"item {i}", rec, json.dumps(rec, default=str)))
        else:
            records.append((f"item {i}", rec, json.dumps(rec, ensure_ascii=False, default=str)))
    t = _records_to_table(records, path, problems)
    if notice:
        t.notices.append(notice)
    return [t]


def read_jsonl(path: Path) -> list[Table]:
    text, notice = decode(path.read_bytes(), path)
    records: list[tuple[str, Any, str]] = []
    problems: dict[str, str] = {}
    bad: list[Row] = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = load_json(line, file=path, locator=f"line {n}")
        except json.JSONDecodeError as e:
            bad.append(Row(f"line {n}", [], line, f"not valid JSON: {e.msg} (column {e.colno})"))
            continue
        except DataError as e:
            bad.append(Row(f"line {n}", [], line[:2000], e.message))
            continue
        problem = value_problem(rec)
        if problem:
            problems[f"line {n}"] = problem
        records.append((f"line {n}", rec, line))
    if not records and not bad:
        raise DataError("the file holds no JSON lines", file=path)
    t = _records_to_table(records, path, problems)
    t.rows.extend(bad)
    t.rows.sort(key=lambda r: int(r.locator.split()[1]))
    if notice:
        t.notices.append(notice)
    return [t]


# -- registration ---------------------------------------------------------------------------------
class TableReader:
    """A table format: its tables go through the survey platforms and the column mapping."""

    container: Literal["text", "zip", "binary"] = "text"
    priority = 0
    forms_beside = True

    def __init__(self, name: str, extensions: tuple[str, ...],
                 load: Callable[[ReadContext], list[Table]],
                 container: Literal["text", "zip", "binary"] = "text"):
        self.name, self.extensions, self.load, self.container = name, extensions, load, container

    def sniff(self, head: bytes, ext: str) -> bool:
        return True

    def read(self, ctx: ReadContext) -> ReadResult:
        return tables_result(self.load(ctx), ctx)


register(TableReader("csv", (".csv",), lambda ctx: read_csv(ctx.path)))
register(TableReader("tsv", (".tsv", ".tab"), lambda ctx: read_csv(ctx.path, tsv=True)))
register(TableReader("xlsx", (".xlsx", ".xlsm"), lambda ctx: read_xlsx(ctx.path, ctx.settings.sheet),
                     container="zip"))
register(TableReader("json", (".json",), lambda ctx: read_json(ctx.path)))
register(TableReader("jsonl", (".jsonl", ".ndjson"), lambda ctx: read_jsonl(ctx.path)))
