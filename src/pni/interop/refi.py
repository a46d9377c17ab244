"""What the REFI-QDA export and import share: the namespace, GUIDs, and how a pni question rides
on a REFI-QDA variable (its type, and its kind and options in the variable's description).

A variable's description is the question text; pni adds one last line ``pni: {json}`` with the
question's kind, about, options, scale range and labels, so that `pni collect` gives back the
same question kinds. Tools that do not know it show it as part of the description.
"""

from __future__ import annotations

import json
import re
import uuid
from decimal import Decimal
from typing import Any

from pni.models import Question

NS = "urn:QDA-XML:project:1.0"
PNI_GUIDS = uuid.UUID("9a0c3f52-7d1e-4b8a-9c61-2f4e5d6b7a80")
#: Source variables pni writes for story fields that are not answers.
META_PREFIX = "pni:"
META = ("source id", "title", "prompt", "date", "consent", "language", "kind", "collection",
        "teller")
#: The multi-choice annotation question that carries the codes of a QDA project.
CODES_QUESTION = "codes"
CODE_PATH_SEP = " > "
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DESC_LINE = "pni: "


def tag(name: str) -> str:
    return f"{{{NS}}}{name}"


def guid(*key: object) -> str:
    """A GUID derived from ``key``: the same story gets the same GUID in every export."""
    return str(uuid.uuid5(PNI_GUIDS, "\x1f".join(str(k) for k in key)))


def is_iso_date(v: Any) -> bool:
    return isinstance(v, str) and bool(_ISO_DATE.match(v))


def variable_type(q: Question | None, values: list[Any]) -> str:
    """The REFI-QDA ``typeOfVariable`` for a question's answers (Text when a value does not fit)."""
    vals = [v for v in values if v is not None]
    kind = q.kind if q else None
    if kind == "boolean" and all(isinstance(v, bool) for v in vals):
        return "Boolean"
    if kind == "scale" and all(isinstance(v, int | float) and not isinstance(v, bool)
                               for v in vals):
        return "Integer" if all(float(v).is_integer() for v in vals) else "Float"
    if kind is None and vals and all(is_iso_date(v) for v in vals):
        return "Date"
    return "Text"


def value_text(vtype: str, v: Any) -> str:
    """A value as the XML text of its ``<...Value>`` element."""
    if vtype == "Boolean":
        return "true" if v else "false"
    if vtype == "Integer":
        return str(int(v))
    if vtype == "Float":
        return format(Decimal(repr(float(v))), "f")
    if isinstance(v, list):
        return "; ".join(str(x) for x in v)
    if isinstance(v, bool):
        return "yes" if v else "no"
    return str(v)


def describe(q: Question) -> str:
    """A variable's description: the question text, then the ``pni:`` line."""
    meta: dict[str, Any] = {"kind": q.kind, "about": q.about}
    if q.options:
        meta["options"] = q.options
    if q.scale_min is not None:
        meta["min"] = q.scale_min
    if q.scale_max is not None:
        meta["max"] = q.scale_max
    if q.labels:
        meta["labels"] = q.labels
    return f"{q.text}\n{_DESC_LINE}{json.dumps(meta, ensure_ascii=False)}"


def parse_description(qid: str, text: str | None) -> Question | None:
    """The question a variable's description declares, or ``None`` when it has no ``pni:`` line
    (a project from another tool) or the line is not readable."""
    if not text:
        return None
    lines = text.rstrip().splitlines()
    if not lines or not lines[-1].startswith(_DESC_LINE):
        return None
    try:
        meta = json.loads(lines[-1][len(_DESC_LINE):])
        return Question(id=qid, text="\n".join(lines[:-1]).strip() or qid, kind=meta["kind"],
                        about=meta.get("about", "story"), options=meta.get("options", []),
                        scale_min=meta.get("min"), scale_max=meta.get("max"),
                        labels=meta.get("labels", []))
    except (ValueError, KeyError, TypeError):
        return None
