"""Alchemer (formerly SurveyGizmo) CSV/XLSX exports: ``Response ID``, ``Time Started``, ``Date
Submitted``, ``Status``, ``Contact ID``, ``Legacy Comments``, ``Comments``, ``Language``,
``Referer``, ``SessionID``, ``User Agent``, ``Tags``, ``IP Address``, ``Longitude``,
``Latitude``, ``Country``, ``City``, ``State/Region``, ``Postal`` before the questions, whose
whole texts are the column names. A checkbox question has one column per option, named
``Option:Question``, holding the option when it was chosen: they become one multi-choice
answer. ``Date Submitted`` is the story's date (a partial response has none: then ``Time
Started``); ``Response ID`` its source id."""

from __future__ import annotations

from typing import Any

from pni.ingest.forms import blank, norm
from pni.ingest.readers import survey as sv
from pni.ingest.readers.base import Adapted, ReadContext, Table, register_platform

META = ("Response ID", "Time Started", "Date Submitted", "Status", "Contact ID",
        "Legacy Comments", "Comments", "Language", "Referer", "Referrer", "SessionID",
        "User Agent", "Tags", "IP Address", "Longitude", "Latitude", "Country", "City",
        "State/Region", "Postal", "Link Name", "URL Variable: sguid", "Extended Referer",
        "Extended User Agent", "Data Quality", "Data Quality - Overall Score")


class Alchemer:
    name = "alchemer"
    label = "Alchemer/SurveyGizmo"

    def sniff(self, table: Table) -> bool:
        keys = {norm(h) for h in table.header}
        return {"response_id", "date_submitted"} <= keys and bool(
            keys & {"time_started", "sessionid", "status"})

    def adapt(self, table: Table, ctx: ReadContext) -> Adapted:
        header = table.header
        meta = sv.find_all(header, META)
        meta += [i for i, h in enumerate(header) if norm(h).startswith("url_variable")]
        good = [r for r in table.rows if r.error is None]
        groups: dict[str, list[tuple[int, str]]] = {}
        for i, h in enumerate(header):
            option, sep, question = h.partition(":")
            if i in meta or not sep or not option.strip() or not question.strip():
                continue
            if all(blank(r.cells[i]) or str(r.cells[i]).strip() == option.strip() for r in good):
                groups.setdefault(question.strip(), []).append((i, option.strip()))
        groups = {q: opts for q, opts in groups.items() if len(opts) >= 2}
        spread = {i for opts in groups.values() for i, _ in opts}
        cols: list[tuple[str, Any]] = []
        a = Adapted(table=table, kind="story-form")
        done: set[str] = set()
        for i, h in enumerate(header):
            if i in spread:
                q = h.partition(":")[2].strip()
                if q not in done:
                    done.add(q)
                    a.group_options[q] = [o for _, o in groups[q]]
                    cols.append((q, sv.chosen([j for j, _ in groups[q]])))
                continue
            if i in meta:
                a.metadata.append(len(cols))
            cols.append((h, sv.column(i)))
        submitted, started = sv.find(header, "Date Submitted"), sv.find(header, "Time Started")
        cols.append(("Submitted", lambda cells: next(
            (cells[i] for i in (submitted, started) if i is not None and not blank(cells[i])),
            None)))
        a.metadata.append(len(cols) - 1)
        a.fields["date"] = len(cols) - 1
        rid = next(n for n, (h, _) in enumerate(cols) if norm(h) == "response_id")
        a.fields["id"] = rid
        a.table = sv.rebuild(table, table.rows, cols)
        a.no_lists = [n for n, (h, _) in enumerate(cols) if n not in a.metadata
                      and h not in a.group_options]
        a.taken.append("story date from 'Date Submitted' (else 'Time Started')")
        if groups:
            a.taken.append(f"{len(groups)} checkbox question(s) spread over 'Option:Question'"
                           " columns read as lists")
        return a


register_platform(Alchemer())
