"""Readers for outcome files: CSV, YAML and Markdown -> raw records with their line numbers.

Every reader yields ``RawRecord``s; checking (kind, text, story and pattern ids) happens in
``pni.record.load`` so all three formats are judged by the same rules.

Markdown layout (one outcome per list item)::

    ---
    session: 2026-04-10 Alder
    group: 2
    ---
    # Landscape                       <- a level-1 heading names the exercise
    ## Discoveries                    <- a level-2 heading names the kind
    - Students who were listened to tell hopeful stories. (stories: SF-012; SF-031) (patterns: 2)
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pni.errors import DataError, UsageError

FIELDS = ("session", "group", "exercise", "section", "type", "kind", "name", "text", "why",
          "said", "cards", "stories", "patterns", "place")
#: the columns that hold what a row says; a row with none of them is a template row left empty
CONTENT = ("text", "why", "name", "said", "cards", "stories", "patterns", "place")
SUFFIXES = {".csv": "csv", ".tsv": "csv", ".yaml": "yaml", ".yml": "yaml", ".md": "md",
            ".markdown": "md"}


@dataclass
class RawRecord:
    line: int | None
    values: dict[str, Any] = field(default_factory=dict)
    raw: str = ""
    problem: str | None = None  # a reason found while reading (e.g. a bad YAML item)


def read_text(path: Path) -> str:
    """The file's text with line endings made ``\n`` (CR-only files from old Macs included)."""
    from pni.limits import check_regular

    check_regular(path, "outcomes file")
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise DataError("binary file, not an outcomes file", file=path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise DataError(f"not UTF-8 text (byte {e.start})", file=path) from e
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_records(path: Path) -> list[RawRecord]:
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise UsageError(f"unknown outcomes format {path.suffix or '(no suffix)'!r}: use .csv,"
                         " .yaml or .md", file=path)
    text = read_text(path)
    if kind == "csv":
        return _read_csv(path, text)
    if kind == "yaml":
        return _read_yaml(path, text)
    return _read_md(path, text)


# -- CSV ------------------------------------------------------------------------------------------
def _read_csv(path: Path, text: str) -> list[RawRecord]:
    delim = "\t" if path.suffix.lower() == ".tsv" else ","
    lines = text.splitlines(keepends=True)
    reader = csv.reader(io.StringIO(text), delimiter=delim)
    try:
        header = next(reader)
    except StopIteration:
        return []
    cols = [h.strip().lower() for h in header]
    missing = [c for c, alts in (("kind", ("kind", "type")), ("text", ("text", "why", "name")))
               if not any(x in cols for x in alts)]
    if missing:
        raise DataError(f"no column {' or '.join(missing)} in the header (columns: "
                        f"{', '.join(FIELDS)})", file=path, locator="line 1")
    out = []
    prev = reader.line_num
    while True:
        start = prev + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            out.append(RawRecord(line=start, problem=f"unreadable CSV: {e}"))
            break
        prev = reader.line_num
        raw = "".join(lines[start - 1:prev]).rstrip("\r\n")
        if not any(c.strip() for c in row):
            continue
        if len(row) > len(cols):
            out.append(RawRecord(line=start, raw=raw, problem=f"{len(row)} cells but"
                                 f" {len(cols)} columns (a comma in the text needs quotes)"))
            continue
        values = {c: row[i].strip() for i, c in enumerate(cols) if i < len(row) and c}
        if not any(values.get(c) for c in (*CONTENT, "kind", "type")):
            continue  # a row of the capture template left empty
        out.append(RawRecord(line=start, values=values, raw=raw))
    return out


# -- YAML -----------------------------------------------------------------------------------------
def _read_yaml(path: Path, text: str) -> list[RawRecord]:
    from pni.limits import load_yaml

    data, node = load_yaml(text, file=path, with_node=True)
    if data is None:
        return []
    defaults: dict[str, Any] = {}
    items_node = node
    if isinstance(data, dict):
        if not isinstance(data.get("outcomes"), list):
            raise DataError("expected a list of outcomes, or a mapping with an 'outcomes' list",
                            file=path)
        defaults = {k: v for k, v in data.items() if k in ("session", "group", "exercise")}
        assert node is not None
        items_node = next(v for k, v in node.value if getattr(k, "value", None) == "outcomes")
        data = data["outcomes"]
    if not isinstance(data, list):
        raise DataError("expected a list of outcomes", file=path)
    lines = text.splitlines()
    out = []
    assert items_node is not None
    for item, n in zip(data, items_node.value, strict=True):
        line = n.start_mark.line + 1
        raw = "\n".join(lines[n.start_mark.line:n.end_mark.line + 1]).strip()
        if not isinstance(item, dict):
            out.append(RawRecord(line=line, raw=raw, problem="an outcome must be a mapping"
                                 " (kind: ..., text: ...)"))
            continue
        values = dict(defaults) | {str(k).lower(): v for k, v in item.items()}
        out.append(RawRecord(line=line, values=values, raw=raw))
    return out


# -- Markdown -------------------------------------------------------------------------------------
_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d+[.)])\s+(.*)$")
_META = re.compile(r"^(session|group|exercise)\s*:\s*(.+)$", re.IGNORECASE)
_LINKS = re.compile(r"\((stories|story|cards|card|patterns|pattern|place|why|said)\s*:\s*([^)]*)\)",
                    re.IGNORECASE)
#: a level-2 heading that names a section of the capture sheet rather than a kind
_SECTION_HEADINGS = {"outcomes": "outcome", "outcome": "outcome",
                     "resonant stories": "resonant story", "resonant patterns": "resonant pattern",
                     "constructions": "construction", "reflections": "reflection",
                     "session": "session"}


def _read_md(path: Path, text: str) -> list[RawRecord]:
    """Outcomes from Markdown. A front matter that cannot be read stops the file: its session
    and group would otherwise be stored empty without a word."""
    lines = text.splitlines()
    ctx: dict[str, Any] = {}
    i = 0
    if lines and lines[0].strip() == "---":
        from pni.limits import load_yaml

        end = next((k for k in range(1, len(lines)) if lines[k].strip() == "---"), None)
        if end is None:
            raise DataError("the front matter that starts on line 1 has no closing '---'",
                            file=path, locator="line 1")
        fm = load_yaml("\n".join(lines[1:end]), file=path, first_line=2) or {}
        if not isinstance(fm, dict):
            raise DataError("front matter must be keys and values (session: ..., group: ...)",
                            file=path, locator="line 2")
        for k, v in fm.items():
            key = str(k).lower()
            if key not in ("session", "group", "exercise", "kind", "section"):
                continue
            if isinstance(v, dict | list):
                raise DataError(f"front matter {key!r} must be one value, not a"
                                f" {'list' if isinstance(v, list) else 'mapping'}",
                                file=path, locator=f"front matter key {key!r}")
            ctx[key] = v
        i = end + 1
    out: list[RawRecord] = []
    current: RawRecord | None = None
    for n in range(i, len(lines)):
        line = lines[n]
        stripped = line.strip()
        m_item = _ITEM.match(line)
        if stripped.startswith("#"):
            current = None
            level = len(stripped) - len(stripped.lstrip("#"))
            title = stripped.lstrip("#").strip()
            if level == 1:
                ctx["exercise"] = re.sub(r"^exercise\s*:\s*", "", title, flags=re.IGNORECASE)
            elif level == 2 and title.lower() in _SECTION_HEADINGS:
                ctx["section"] = _SECTION_HEADINGS[title.lower()]
                ctx.pop("kind", None)
            elif level in (2, 3):
                ctx["kind"] = title
            continue
        if m_item:
            current = RawRecord(line=n + 1, values=dict(ctx) | {"text": m_item.group(1)},
                                raw=line)
            out.append(current)
            continue
        if current is not None and stripped and line[:1].isspace():
            current.values["text"] += " " + stripped
            current.raw += "\n" + line
            continue
        current = None
        m_meta = _META.match(stripped)
        if m_meta:
            ctx[m_meta.group(1).lower()] = m_meta.group(2).strip()
    for rec in out:
        text = str(rec.values.get("text", ""))
        for m in _LINKS.finditer(text):
            word = m.group(1).lower()
            key = ("patterns" if word.startswith("pattern") else word if word in (
                "place", "why", "said") else "stories")
            prev = rec.values.get(key)
            rec.values[key] = f"{prev};{m.group(2)}" if prev else m.group(2)
        rec.values["text"] = _LINKS.sub("", text).strip()
    return out
