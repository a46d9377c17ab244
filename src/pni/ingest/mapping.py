"""Which table column holds the story text, the id, the teller...: found by common names or set
with ``--map key=COLUMN``. Every other column is an answer to a question."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pni.errors import MappingError, UsageError
from pni.ingest.forms import norm
from pni.ingest.models import MAP_KEYS

COMMON_NAMES: dict[str, tuple[str, ...]] = {
    "text": ("story", "text", "narrative", "response", "story_text", "your_story", "body",
             "content", "account", "tell_us_your_story", "what_happened", "answer", "experience"),
    "id": ("id", "story_id", "response_id", "record_id", "submission_id", "entry_id", "uuid",
           "responseid", "storyid"),
    "teller": ("teller", "teller_id", "teller_name", "name", "respondent", "respondent_id",
               "participant", "participant_id", "storyteller", "author", "pseudonym"),
    "prompt": ("prompt", "story_prompt", "prompt_text", "question", "prompt_chosen"),
    "title": ("title", "story_title", "name_of_story", "headline", "story_name"),
    "date": ("date", "date_told", "timestamp", "submitted", "submitted_at", "created",
             "created_at", "recorded"),
    "consent": ("consent", "consent_to_share", "may_share", "can_share", "share", "permission",
                "consent_share"),
    "language": ("language", "lang", "story_language"),
}


def parse_map(items: list[str]) -> dict[str, str]:
    """``["text=Your story", "id=ResponseID"]`` -> a dict; raises ``UsageError`` when malformed."""
    out: dict[str, str] = {}
    for item in items:
        key, sep, col = item.partition("=")
        key = key.strip().casefold()
        if not sep or not col.strip():
            raise UsageError(f"{item!r}: write KEY=COLUMN, e.g. text=Story", param="mapping")
        if key not in MAP_KEYS:
            raise UsageError(f"{item!r}: KEY must be one of {', '.join(MAP_KEYS)}",
                             param="mapping")
        out[key] = col.strip()
    return out


@dataclass
class TableMapping:
    """Column index for each mapped key, and the answer columns left over."""

    fields: dict[str, int] = field(default_factory=dict)
    answer_columns: list[int] = field(default_factory=list)
    found_by_name: dict[str, str] = field(default_factory=dict)


def map_columns(header: list[str], mapping: dict[str, str], file: Path | str,
                sheet: str | None = None, *, preset: dict[str, int] | None = None,
                exclude: set[int] | None = None, require_text: bool = True) -> TableMapping:
    """Resolve the mapping against a header: ``--map`` first, then what a platform says
    (``preset``), then common names. Columns in ``exclude`` (platform metadata) are never
    mapped by name nor answers. A mapped column that is missing, or no text column (with
    ``require_text``), raises ``MappingError`` naming the file and listing the columns present."""
    where = f"sheet {sheet!r}" if sheet else None
    present = ", ".join(repr(h) for h in header) or "(none)"
    exact = {h: i for i, h in enumerate(header)}
    loose: dict[str, int] = {}
    for i, h in enumerate(header):
        loose.setdefault(norm(h), i)
    tm = TableMapping()
    for key, col in mapping.items():
        idx = exact.get(col, loose.get(norm(col)))
        if idx is None:
            raise MappingError(f"--map {key}={col}: no column {col!r}; columns present: {present}",
                               file=file, locator=where)
        tm.fields[key] = idx
    taken = set(tm.fields.values())
    for key, idx in (preset or {}).items():
        if key not in tm.fields and idx not in taken:
            tm.fields[key] = idx
            taken.add(idx)
    excluded = exclude or set()
    for key, names in COMMON_NAMES.items():
        if key in tm.fields:
            continue
        for name in names:
            idx = loose.get(name)
            if idx is not None and idx not in taken and idx not in excluded:
                tm.fields[key] = idx
                tm.found_by_name[key] = header[idx]
                taken.add(idx)
                break
    if "text" not in tm.fields and require_text:
        raise MappingError(
            "no story text column found (looked for " + ", ".join(COMMON_NAMES["text"][:6])
            + ", ...); name it with --map text=COLUMN; columns present: " + present,
            file=file, locator=where)
    tm.answer_columns = [i for i in range(len(header)) if i not in taken and i not in excluded]
    return tm
