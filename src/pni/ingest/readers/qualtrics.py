"""Qualtrics exports (CSV, TSV, XLSX). Current layout: row 1 column names (``StartDate``,
``ResponseId``, ``Q1``...), row 2 the question texts, row 3 ``{"ImportId":"QID1"}`` cells; legacy
layout: row 1 ``V1``... or names, row 2 labels. The header rows are read, never stored; the
question-text row gives the questions' texts; survey metadata is kept as provenance."""

from __future__ import annotations

import contextlib
import json
import re
from typing import Any

from pni.ingest.forms import blank, norm
from pni.ingest.readers import survey as sv
from pni.ingest.readers.base import Adapted, ReadContext, Table, register_platform

ID_NAMES = ("ResponseId", "ResponseID", "Response ID", "_recordId", "V1")
METADATA = {
    "startdate", "enddate", "status", "ipaddress", "progress", "duration_in_seconds", "finished",
    "recordeddate", "responseid", "_recordid", "recipientlastname", "recipientfirstname",
    "recipientemail", "externalreference", "externaldatareference", "locationlatitude",
    "locationlongitude", "locationaccuracy", "distributionchannel", "userlanguage", "responseset",
    "name", "emailaddress", "q_recaptchascore", "q_relevantidduplicate",
    "q_relevantidduplicatescore", "q_relevantidfraudscore", "q_relevantidlaststartdate",
    "q_ballotboxstuffing", "q_totalduration", "q_url", "useragent", "user_agent", "v1", "v2", "v3", "v4", "v5", "v6", "v7",
    "v8", "v9", "v10",
}
LEGACY_V = {"v1": "ResponseID", "v2": "ResponseSet", "v3": "Name", "v4": "ExternalDataReference",
            "v5": "EmailAddress", "v6": "IPAddress", "v7": "Status", "v8": "StartDate",
            "v9": "EndDate", "v10": "Finished"}
_RID = re.compile(r"^R_[0-9A-Za-z]+$")


def _is_meta(name: str, import_id: str | None) -> bool:
    n = norm(name)
    if n in METADATA or n.replace("_", "") in {m.replace("_", "") for m in METADATA}:
        return True
    if import_id and (import_id.endswith(("Topics", "Sentiment", "SentimentScore",
                                           "SentimentPolarity", "_BROWSER", "_VERSION", "_OS",
                                           "_RESOLUTION", "_FIRST_CLICK", "_LAST_CLICK",
                                           "_PAGE_SUBMIT", "_CLICK_COUNT"))
                      or (not import_id.startswith(("QID", "_"))
                      and import_id[:1].islower())):
        return True
    return n.endswith(("_topics", "_sentiment", "_sentiment_score", "_sentiment_polarity",
                       "_parent_topics"))


class Qualtrics:
    name = "qualtrics"
    label = "Qualtrics"

    def sniff(self, table: Table) -> bool:
        keys = {norm(h) for h in table.header}
        has_id = bool(keys & {"responseid", "response_id", "_recordid"})
        has_meta = len(keys & {"startdate", "enddate", "recordeddate", "ipaddress", "finished",
                               "distributionchannel", "progress"}) >= 2
        legacy = {"v1", "v2", "v8", "v9"} <= keys
        return (has_id and has_meta) or legacy

    def adapt(self, table: Table, ctx: ReadContext) -> Adapted:
        header = table.header
        idc = sv.find(header, *ID_NAMES)
        rows = list(table.rows)
        texts: dict[int, str] = {}
        import_ids: dict[int, str] = {}
        dropped: list[str] = []
        while rows and len(dropped) < 2 and rows[0].error is None:
            cells = rows[0].cells
            nonblank = [c for c in cells if not blank(c)]
            if nonblank and all(str(c).lstrip().startswith('{"ImportId"') for c in nonblank):
                for i, c in enumerate(cells):
                    with contextlib.suppress(ValueError, KeyError, TypeError):
                        import_ids[i] = str(json.loads(str(c))["ImportId"])
                dropped.append(f"{rows[0].locator} (ImportId row)")
            elif idc is not None and not _RID.match(str(cells[idc] or "").strip()):
                texts = {i: str(c).strip() for i, c in enumerate(cells) if not blank(c)}
                dropped.append(f"{rows[0].locator} (question texts)")
            else:
                break
            rows.pop(0)
        names = [LEGACY_V.get(norm(h), h) for h in header]
        meta = [i for i, h in enumerate(header) if _is_meta(h, import_ids.get(i))]
        free = [i for i, v in import_ids.items() if v.endswith("_TEXT") and i not in meta]
        cols: list[tuple[str, Any]] = [(names[i], sv.column(i)) for i in range(len(header))]
        email = sv.find(names, "RecipientEmail", "EmailAddress")
        first, last = sv.find(names, "RecipientFirstName"), sv.find(names, "RecipientLastName")
        legacy_name = sv.find(names, "Name") if "v3" in {norm(h) for h in header} else None
        a = Adapted(table=table, kind="story-form")
        a.taken.append("header rows read, not stored: " + (", ".join(dropped) or "none"))
        recipient = None
        if email is not None or first is not None or legacy_name is not None:
            cols.append(("Recipient", sv.first_of(email, legacy_name)
                         if first is None else sv.email_or_name(email, first, last)))
            recipient = len(cols) - 1
        a.table = sv.rebuild(table, rows, cols)
        a.metadata = [i for i in meta if i not in (email, first, last, legacy_name)]
        a.question_texts = {i: t for i, t in texts.items() if i not in meta and t != header[i]}
        if idc is not None:
            a.fields["id"] = idc
        if recipient is not None:
            a.fields["teller"] = recipient
            a.personal = [recipient, *(i for i in (email, first, last, legacy_name)
                                       if i is not None)]
            if any(not blank(r.cells[recipient]) for r in a.table.rows if r.error is None):
                a.taken.append("teller from the recipient's e-mail or name (pseudonymised)")
        date = sv.find(names, "RecordedDate", "EndDate")
        if date is not None:
            a.fields["date"] = date
        lang = sv.find(names, "UserLanguage")
        if lang is not None:
            a.fields["language"] = lang
        a.text_candidates = free
        return a


register_platform(Qualtrics())
