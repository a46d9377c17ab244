"""SurveyMonkey exports (CSV or XLSX, "expanded" layout): row 1 the question texts (blank over the
extra columns of a question), row 2 the sub-labels (``Response``, ``Open-Ended Response``, an
option per column of a multiple-answer question, a row of a matrix). Respondent metadata
(``Respondent ID``, ``Collector ID``, dates, ``IP Address``, e-mail and names, custom data) is
kept as provenance; the e-mail or name is the teller."""

from __future__ import annotations

from typing import Any

from pni.ingest.forms import blank, norm
from pni.ingest.readers import survey as sv
from pni.ingest.readers.base import Adapted, ReadContext, Table, register_platform

META = ("Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address")
PERSONAL = ("Email Address", "First Name", "Last Name")
PLAIN = {"response", "open_ended_response", ""}
OPEN = {"open_ended_response", "comment", "comments"}
#: Sub-labels of the "Contact Information" question: the respondent's identity, never answers.
CONTACT = {"name": "name", "first_name": "first", "last_name": "last", "email_address": "email",
           "email": "email", "phone_number": "phone", "phone": "phone"}
ADDRESS = {"company", "address", "address_2", "city_town", "city", "state_province", "state",
           "zip_postal_code", "zip", "postal_code", "country"}
OTHER = ("other (please specify)", "other", "otro (especifique)", "autre (veuillez préciser)")


class SurveyMonkey:
    name = "surveymonkey"
    label = "SurveyMonkey"

    def sniff(self, table: Table) -> bool:
        keys = {norm(h) for h in table.header}
        return {"respondent_id", "collector_id"} <= keys

    def adapt(self, table: Table, ctx: ReadContext) -> Adapted:
        header, raw = table.header, table.raw_header or table.header
        rows = list(table.rows)
        sub: list[str] = []
        if rows and rows[0].error is None and blank(rows[0].cells[0]):
            sub = ["" if blank(c) else str(c).strip() for c in rows.pop(0).cells]
        sub += [""] * (len(header) - len(sub))
        meta = sv.find_all(header, META)
        meta += [i for i, h in enumerate(header) if norm(h).startswith("custom_data")]
        personal = sv.find_all(header, PERSONAL)
        email = sv.find(header, "Email Address")
        first, last = sv.find(header, "First Name"), sv.find(header, "Last Name")
        groups: list[tuple[str, list[int]]] = []
        for i, h in enumerate(raw):
            if i in meta or i in personal:
                continue
            if (h is None or not str(h).strip()) and groups:
                groups[-1][1].append(i)
            else:
                groups.append((header[i], [i]))
        a = Adapted(table=table, kind="story-form")
        cols: list[tuple[str, Any]] = [(header[i], sv.column(i)) for i in meta]
        a.metadata = list(range(len(cols)))
        multi = 0
        good = [r for r in rows if r.error is None]
        contact: dict[str, list[int]] = {}
        contact_cols: list[int] = []
        for q, idx in list(groups):
            keys = [norm(sub[i]) for i in idx]
            if len(idx) >= 2 and {"name", "email_address", "email"} & set(keys) and all(
                    k in CONTACT or k in ADDRESS for k in keys):
                groups.remove((q, idx))
                for i, k in zip(idx, keys, strict=True):
                    if k in CONTACT:
                        contact.setdefault(CONTACT[k], []).append(i)
                        contact_cols.append(i)
                    else:  # the address: provenance, never answers
                        a.metadata.append(len(cols))
                        cols.append((f"{q} - {sub[i]}", sv.column(i)))
        for q, idx in groups:
            labels = [sub[i] for i in idx]
            choice = [i for i in idx if sub[i].casefold() not in OTHER]
            writein = [i for i in idx if sub[i].casefold() in OTHER]
            if len(idx) == 1 and norm(labels[0]) in PLAIN:
                (a.text_candidates if norm(labels[0]) in OPEN else a.no_lists).append(len(cols))
                cols.append((q, sv.column(idx[0])))
            elif all(str(r.cells[i]).strip() == sub[i] for r in good for i in choice
                     if not blank(r.cells[i])) and len(choice) > 1:
                cols.append((q, sv.chosen(choice)))
                a.group_options[q] = [sub[i] for i in choice]
                multi += 1
                for i in writein:
                    a.text_candidates.append(len(cols))
                    cols.append((f"{q} - {sub[i]}", sv.column(i)))
            else:
                for i, lab in zip(idx, labels, strict=True):
                    name = q if norm(lab) in PLAIN else f"{q} - {lab}"
                    (a.text_candidates if norm(lab) in OPEN else a.no_lists).append(len(cols))
                    cols.append((name, sv.column(i)))
        own = sv.first_of(email) if first is None and last is None \
            else sv.email_or_name(email, first, last)
        given = sv.teller_of({k: v for k, v in contact.items() if k != "phone"})

        def respondent(cells: list[Any]) -> Any:
            return own(cells) or (given(cells) if given else None)

        cols.append(("Respondent", respondent))
        a.personal = [len(cols) - 1]
        for i in contact_cols:  # name, e-mail, phone: names pni knows, never stored otherwise
            a.personal.append(len(cols))
            cols.append((f"contact: {sub[i]}", sv.column(i)))
        a.table = sv.rebuild(table, rows, cols)
        if email is not None or first is not None or given is not None:
            a.fields["teller"] = a.personal[0]
            a.taken.append("teller from the respondent's e-mail or name"
                           + (" (the contact information question)" if given else "")
                           + " (pseudonymised)")
        a.fields["id"] = 0 if meta and norm(header[meta[0]]) == "respondent_id" else a.fields.get(
            "id", 0)
        end = next((n for n, (h, _) in enumerate(cols) if norm(h) == "end_date"), None)
        if end is not None:
            a.fields["date"] = end
            a.taken.append("story date from 'End Date'")
        if sub:
            a.taken.append("row 2 (sub-labels) read, not stored")
        if multi:
            a.taken.append(f"{multi} multiple-answer question(s) spread over columns read as lists")
        return a


register_platform(SurveyMonkey())
