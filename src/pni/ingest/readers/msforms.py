"""Microsoft Forms responses (XLSX, or saved as CSV): ``ID``, ``Start time``, ``Completion time``,
``Email``, ``Name`` (and sometimes ``Last modified time``, quiz points) before the questions;
multiple answers are joined by ";"."""

from __future__ import annotations

from typing import Any

from pni.ingest.forms import blank, norm
from pni.ingest.readers import survey as sv
from pni.ingest.readers.base import Adapted, ReadContext, Table, register_platform

META = ("ID", "Start time", "Completion time", "Last modified time", "Total points",
        "Quiz feedback", "Grade posted time")


class MicrosoftForms:
    name = "microsoft-forms"
    label = "Microsoft Forms"

    def sniff(self, table: Table) -> bool:
        keys = [norm(h) for h in table.header[:6]]
        return keys[:3] == ["id", "start_time", "completion_time"] and "email" in keys

    def adapt(self, table: Table, ctx: ReadContext) -> Adapted:
        header = table.header
        meta = sv.find_all(header, META)
        meta += [i for i, h in enumerate(header)
                 if norm(h).startswith(("points_", "feedback_"))]
        email, name = sv.find(header, "Email"), sv.find(header, "Name")

        def teller(cells: list[Any]) -> Any:
            for i in (name, email):
                if i is not None and not blank(cells[i]) \
                        and str(cells[i]).strip().casefold() != "anonymous":
                    return cells[i]
            return None

        cols: list[tuple[str, Any]] = [(h, sv.column(i)) for i, h in enumerate(header)]
        cols.append(("Respondent", teller))
        a = Adapted(table=sv.rebuild(table, table.rows, cols), kind="story-form")
        a.metadata = meta
        good = [r for r in table.rows if r.error is None]
        # multiple answers always end with ";" ("Archives;Printing;"): other columns never split
        a.no_lists = [i for i in range(len(header)) if i not in meta and not all(
            str(r.cells[i]).rstrip().endswith(";") for r in good if not blank(r.cells[i]))]
        a.personal = [i for i in (email, name) if i is not None] + [len(cols) - 1]
        a.fields["teller"] = len(cols) - 1
        a.fields["id"] = 0
        done = sv.find(header, "Completion time")
        if done is not None:
            a.fields["date"] = done
        a.taken.append("teller from 'Name', else 'Email' ('anonymous' is no one; pseudonymised)")
        return a


register_platform(MicrosoftForms())
