"""Qualtrics exports (CSV, TSV, XLSX). Current layout: row 1 column names (``StartDate``,
``ResponseId``, ``Q1``...), row 2 the question texts, row 3 ``{"ImportId":"QID1"}`` cells; legacy
layout: row 1 ``V1``... or names, row 2 labels. The header rows are read, never stored; the
question-text row gives the questions' texts; survey metadata is kept as provenance."""

from __future__ import annotations

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
# {"ImportId":"QID1"} (current) or {'ImportId': 'QID1', 'timeZone': ...} (2017-2018 exports)
_IMPORT_ID = re.compile(r"""^\s*\{\s*['"]ImportId['"]\s*:""")
_FLAG_ID = re.compile(r"^(QID\d+)_(\d+)$")


def _import_id(cell: Any) -> str | None:
    """The ImportId of a header cell, in double or single quotes."""
    import ast

    text = str(cell)
    try:
        got = json.loads(text)
    except ValueError:
        try:
            got = ast.literal_eval(text.strip())
        except (ValueError, SyntaxError):
            return None
    return str(got["ImportId"]) if isinstance(got, dict) and "ImportId" in got else None


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
            if nonblank and all(_IMPORT_ID.match(str(c)) for c in nonblank):
                for i, c in enumerate(cells):
                    got = _import_id(c)
                    if got is not None:
                        import_ids[i] = got
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
        cols: list[tuple[str, Any]] = [
            (names[i], sv.column(i) if i in meta else sv.unless_missing(sv.column(i)))
            for i in range(len(header))]
        flags = _flag_groups(import_ids, texts, rows, meta)
        for lead, (qtext, members) in flags.items():  # Q3_1, Q3_2 holding 1: one question
            cols[lead] = (qtext, _flagged(members))
            for j, _ in members[1:]:
                cols[j] = (names[j], lambda cells: None)
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
        a.question_texts = {i: t for i, t in texts.items() if i not in meta and t != header[i]
                            and i not in flags}
        for _lead, (qtext, members) in flags.items():
            a.group_options[qtext] = [o for _, o in members]
            a.ignored.extend(j for j, _ in members[1:])  # read into the first column
        a.no_lists = [i for i in range(len(header)) if i not in meta and i not in flags]
        if flags:
            a.taken.append(f"{len(flags)} multiple-answer question(s) of 1-or-empty columns"
                           " read as lists")
        if any(str(c).strip() in sv.MISSING_CODES for r in rows if r.error is None
               for c in r.cells):
            a.taken.append("-99 / -98 (seen or not shown, not answered) read as no answer")
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


def _flag_groups(import_ids: dict[int, str], texts: dict[int, str], rows: list[Any],
                 meta: list[int]) -> dict[int, tuple[str, list[tuple[int, str]]]]:
    """Multiple-answer questions written one column per choice (``QID3_1``, ``QID3_2``: 1 when
    chosen, empty or -99 when not): first column -> (question text, [(column, choice)])."""
    by_q: dict[str, list[int]] = {}
    for i, v in sorted(import_ids.items()):
        m = _FLAG_ID.match(v)
        if m and i not in meta:
            by_q.setdefault(m.group(1), []).append(i)
    out: dict[int, tuple[str, list[tuple[int, str]]]] = {}
    for qid, idx in by_q.items():
        vals = {str(r.cells[i]).strip() for r in rows if r.error is None for i in idx
                if not blank(r.cells[i])}
        if len(idx) < 2 or not vals or not vals <= {"1", "-99", "-98", "1.0"}:
            continue
        parts = [texts.get(i, "").rpartition(" - ") for i in idx]
        question = parts[0][0] if parts[0][1] else qid
        out[idx[0]] = (question, [(i, p[2] if p[1] else import_ids[i])
                                  for i, p in zip(idx, parts, strict=True)])
    return out


def _flagged(members: list[tuple[int, str]]) -> Any:
    def get(cells: list[Any]) -> Any:
        got = [o for i, o in members if str(cells[i]).strip() in ("1", "1.0")]
        return got or None
    return get


register_platform(Qualtrics())
