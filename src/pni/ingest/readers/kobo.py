"""KoboToolbox and ODK Central exports (CSV, often ``;``-delimited, or XLSX). Kobo writes its
system columns with a leading underscore (``_id``, ``_uuid``, ``_submission_time``,
``_validation_status``, ``_notes``, ``_status``, ``_submitted_by``, ``__version__``, ``_tags``,
``_index``) beside the form's ``start``, ``end``, ``today``, ``deviceid``, ``username``...; ODK
Central writes ``SubmissionDate``, ``meta-instanceID``, ``KEY``, ``SubmitterID``,
``SubmitterName``, ``ReviewState``... All of them are metadata. A select-multiple question is
one column of space-separated choices (``education health``) followed by one 0/1 column per
choice (``services/education``): the choices become one multi-choice answer and the 0/1
columns are read, never stored. ``_submission_time`` (else ``SubmissionDate``, else ``end``) is
the story's date; ``_uuid`` (else the instance id) its source id."""

from __future__ import annotations

import re
from typing import Any

from pni.ingest.forms import blank
from pni.ingest.readers import survey as sv
from pni.ingest.readers.base import Adapted, ReadContext, Table, register_platform

KOBO_META = {
    "start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber",
    "username", "audit", "_id", "_uuid", "_submission_time", "_validation_status", "_notes",
    "_status", "_submitted_by", "__version__", "_version_", "_tags", "_index",
    "_xform_id_string", "_attachments", "_geolocation", "_parent_table_name", "_parent_index",
    "meta/instanceid", "meta/instancename", "meta/rootuuid", "meta/deprecatedid", "meta/audit",
    "formhub/uuid", "instanceid", "start-geopoint", "calculation",
}
ODK_META = {
    "submissiondate", "meta-instanceid", "meta-instancename", "meta-audit", "key",
    "submitterid", "submittername", "attachmentspresent", "attachmentsexpected", "status",
    "reviewstate", "deviceid", "edits", "formversion", "instanceid", "instancename",
}
_FLAG = {"0", "1", "true", "false", "0.0", "1.0"}


def _k(name: str) -> str:
    return str(name).strip().casefold()


class Kobo:
    name = "kobo"
    label = "KoboToolbox/ODK"

    def sniff(self, table: Table) -> bool:
        keys = {_k(h) for h in table.header}
        kobo = "_uuid" in keys and bool(keys & {"_submission_time", "_id", "_index"})
        odk = ("key" in keys and "submissiondate" in keys) or "meta-instanceid" in keys
        return kobo or odk or "formhub/uuid" in keys or "meta/instanceid" in keys

    def adapt(self, table: Table, ctx: ReadContext) -> Adapted:
        header = table.header
        keys = [_k(h) for h in header]
        meta = [i for i, k in enumerate(keys) if k in KOBO_META or k in ODK_META
                or (k.startswith("_") and not k.startswith("_gps"))]
        good = [r for r in table.rows if r.error is None]
        parents, dummies = _select_multiple(header, good, set(meta))
        cols: list[tuple[str, Any]] = []
        a = Adapted(table=table, kind="story-form")
        for i, h in enumerate(header):
            if i in dummies:
                continue
            if i in meta:
                a.metadata.append(len(cols))
            if i in parents:
                a.group_options[_question(h)] = parents[i][1]
                cols.append((_question(h), _choices(i, parents[i][0], parents[i][1])))
            else:
                cols.append((_question(h) if i not in meta else h, sv.column(i)))
        new = {h: n for n, (h, _) in enumerate(cols)}
        for names, field in ((("_uuid", "meta/instanceID", "meta-instanceID", "KEY",
                               "instanceID"), "id"),
                             (("_submission_time", "SubmissionDate", "end"), "date")):
            got = next((new[h] for n in names for h in new if _k(h) == _k(n)), None)
            if got is not None:
                a.fields[field] = got
                a.taken.append(f"story {'source id' if field == 'id' else 'date'} from"
                               f" {cols[got][0]!r}")
        a.table = sv.rebuild(table, table.rows, cols)
        a.no_lists = [n for n, (h, _) in enumerate(cols) if n not in a.metadata
                      and h not in a.group_options]
        if parents:
            a.taken.append(f"{len(parents)} select-multiple question(s) read as lists; their"
                           f" {len(dummies)} 0/1 column(s) read, not stored")
        return a


def _question(name: str) -> str:
    """A question's column name without its group path (``group_a/story`` -> ``story``)."""
    return re.split(r"[/]", str(name))[-1] or str(name)


def _select_multiple(header: list[str], rows: list[Any], meta: set[int]
                     ) -> tuple[dict[int, tuple[list[int], list[str]]], set[int]]:
    """Select-multiple questions: parent column -> (its 0/1 columns, their choices)."""
    parents: dict[int, tuple[list[int], list[str]]] = {}
    dummies: set[int] = set()
    where = {h: i for i, h in enumerate(header)}
    for i, h in enumerate(header):
        if i in meta:
            continue
        for sep in ("/", "-", "."):
            parent, s, choice = h.rpartition(sep)
            if not s or parent not in where or where[parent] in meta or not choice:
                continue
            vals = {str(r.cells[i]).strip().casefold() for r in rows if not blank(r.cells[i])}
            if vals <= _FLAG:
                p = where[parent]
                parents.setdefault(p, ([], []))
                parents[p][0].append(i)
                parents[p][1].append(choice)
                dummies.add(i)
            break
    return parents, dummies


def _choices(parent: int, flags: list[int], options: list[str]) -> Any:
    """A select-multiple answer: the parent's space-separated choices, else the 0/1 columns."""
    def get(cells: list[Any]) -> Any:
        v = cells[parent]
        if not blank(v):
            return str(v).split()
        got = [o for i, o in zip(flags, options, strict=True)
               if str(cells[i]).strip().casefold() in ("1", "true", "1.0")]
        return got or None
    return get


register_platform(Kobo())
