"""Stories out again: one row per story with provenance and answers as columns, so results can
be joined back to the source by ``source_id``."""

from __future__ import annotations

import csv
import json
from typing import Any, TextIO

from pni.models import Story

CORE = ["id", "source_id", "collection", "source_kind", "teller_id", "title", "prompt", "date",
        "language", "consent", "content_hash", "source_file", "source_sheet", "source_locator",
        "text"]


def story_row(s: Story) -> dict[str, Any]:
    """A flat dict: core fields, then ``answer.<question>`` and ``teller.<question>``."""
    prov = s.provenance
    row: dict[str, Any] = {
        "id": s.id, "source_id": s.source_id, "collection": s.collection,
        "source_kind": s.source_kind, "teller_id": s.teller_id, "title": s.title,
        "prompt": s.prompt, "date": s.date, "language": s.language, "consent": s.consent,
        "content_hash": s.content_hash, "source_file": prov.file if prov else None,
        "source_sheet": prov.sheet if prov else None,
        "source_locator": prov.locator if prov else None, "text": s.text,
    }
    for k, v in s.answers.items():
        row[f"answer.{k}"] = v
    for k, v in s.teller_answers.items():
        row[f"teller.{k}"] = v
    return row


def _cell(v: Any) -> Any:
    """A CSV cell; text a spreadsheet would run as a formula is neutralised."""
    from pni.privacy.spreadsheet import safe_cell

    if v is None:
        return ""
    if isinstance(v, list):
        return safe_cell("; ".join(str(x) for x in v))
    if isinstance(v, bool):
        return "yes" if v else "no"
    return safe_cell(v)


def write_stories(stories: list[Story], fmt: str, out: TextIO) -> int:
    """Write stories as ``csv`` or ``jsonl``; returns how many were written."""
    rows = [story_row(s) for s in stories]
    if fmt == "jsonl":
        for r in rows:
            out.write(json.dumps(r, ensure_ascii=False) + "\n")
        return len(rows)
    extra = sorted({k for r in rows for k in r if k not in CORE})
    w = csv.DictWriter(out, fieldnames=CORE + extra, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: _cell(v) for k, v in r.items()})
    return len(rows)
