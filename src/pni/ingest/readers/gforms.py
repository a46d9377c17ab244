"""Google Forms responses (the "Form Responses 1" sheet as CSV, TSV or XLSX): ``Timestamp`` first,
an optional ``Email Address``/``Username`` column (the teller), checkbox answers joined by ", "."""

from __future__ import annotations

from typing import Any

from pni.ingest.forms import blank, norm
from pni.ingest.readers import survey as sv
from pni.ingest.readers.base import Adapted, ReadContext, Table, register_platform

TIMESTAMPS = ("Timestamp", "Marca temporal", "Horodateur", "Zeitstempel",
              "Carimbo de data/hora", "Informazioni cronologiche", "Tijdstempel")
EMAILS = ("Email Address", "Email address", "Username", "Dirección de correo electrónico",
          "Adresse e-mail", "E-Mail-Adresse", "Endereço de e-mail")
SCORES = ("Score", "Total score", "Puntuación", "Punkte", "Note")


class GoogleForms:
    name = "google-forms"
    label = "Google Forms"

    def sniff(self, table: Table) -> bool:
        if not table.header or norm(table.header[0]) not in {norm(t) for t in TIMESTAMPS}:
            return False
        return sv.holds_dates([r.cells[0] for r in table.rows[:50] if r.error is None])

    def adapt(self, table: Table, ctx: ReadContext) -> Adapted:
        header = table.header
        good = [r for r in table.rows if r.error is None]
        email = sv.find(header, *EMAILS)
        scores = sv.find_all(header, SCORES)
        a = Adapted(table=table, kind="story-form")
        cols: list[tuple[str, Any]] = []
        lists: list[str] = []
        for i, h in enumerate(header):
            if i == 0 or i == email or i in scores:
                cols.append((h, sv.column(i)))
                continue
            parts = sv.checkbox_parts([r.cells[i] for r in good])
            if parts is not None:
                cols.append((h, sv.as_list(i)))
                lists.append(h)
            else:
                cols.append((h, sv.column(i)))
        df = sv.day_first(r.cells[0] for r in good)
        cols.append(("Submitted", lambda cells: sv.iso_date(cells[0], df)))
        a.table = sv.rebuild(table, table.rows, cols)
        a.metadata = [0, *scores, len(cols) - 1]
        a.fields["date"] = len(cols) - 1
        a.taken.append(f"story date from {header[0]!r}")
        if email is not None:
            a.fields["teller"] = email
            a.personal = [email]
            if any(not blank(r.cells[email]) for r in good):
                a.taken.append(f"teller from {header[email]!r} (pseudonymised)")
        if lists:
            a.taken.append(f"{len(lists)} checkbox question(s) read as lists split at ', '")
        return a


register_platform(GoogleForms())
