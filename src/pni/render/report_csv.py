"""The catalysis report as a folder of CSV files, for spreadsheets:

- ``tests.csv``: every test with statistic, p, q, effect size and n;
- ``observations.csv``: the observations, their numbers, story ids and interpretations;
- ``integrity.csv``: stories per answer (or scale value) for every question;
- ``voices.csv``: stories and tellers per group, and each pattern's share per group;
- ``notes.csv``: the report's notes (consent, redaction, the small-cell threshold applied).

A count the small-cell rule hides is an empty cell with ``suppressed`` true
(``pni.privacy.cells``)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pni.explore.integrity import answer_rows
from pni.privacy.spreadsheet import safe_cell

if TYPE_CHECKING:
    from pni.explore.models import ExploreReport

FILES = ("tests.csv", "observations.csv", "integrity.csv", "voices.csv", "notes.csv")


def _write(path: Path, header: list[str], rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=header, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow({k: ("" if r.get(k) is None else safe_cell(r.get(k))) for k in header})


def write(report: ExploreReport, folder: str | Path) -> list[Path]:
    """Write the five CSV files into ``folder`` (created); returns their paths."""
    d = Path(folder)
    d.mkdir(parents=True, exist_ok=True)
    paths = [d / f for f in FILES]

    _write(paths[0], ["id", "lens", "kind", "a", "b", "a_label", "b_label", "answer_a",
                      "answer_b", "test", "statistic_name", "statistic", "p", "q",
                      "effect_name", "effect", "magnitude", "n", "notable", "note"],
           [{**t.model_dump(exclude={"detail"}), "answer_a": t.detail.get("answer_a"),
             "answer_b": t.detail.get("answer_b")} for t in report.tests])

    obs = []
    for o in report.observations:
        row = o.model_dump()
        row["numbers"] = json.dumps(o.numbers, ensure_ascii=False, default=str)
        row["story_ids"] = " ".join(o.story_ids)
        for i, text in enumerate(o.interpretations, 1):
            row[f"interpretation_{i}"] = text
        obs.append(row)
    n_interp = max((len(o.interpretations) for o in report.observations), default=2)
    _write(paths[1], ["rank", "lens", "kind", "text", "q", "effect_name", "effect", "magnitude",
                      *[f"interpretation_{i}" for i in range(1, n_interp + 1)], "numbers",
                      "story_ids", "test_id"], obs)

    integ: list[dict[str, Any]] = []
    for q in report.integrity.questions:
        for r in answer_rows(q):
            integ.append({**r, "text": q.text, "about": q.about, "answered": q.answered,
                          "unanswered": q.unanswered, "answered_at_least": q.answered_at_least,
                          "unanswered_at_most": q.unanswered_at_most,
                          "suppressed": r["suppressed"] or q.answered is None})
    _write(paths[2], ["question", "text", "kind", "about", "answer", "stories", "declared",
                      "answered", "unanswered", "answered_at_least", "unanswered_at_most",
                      "suppressed", "why", "note"], integ)

    voices: list[dict[str, Any]] = []
    for dim in report.voices.dimensions:
        for g in dim.groups:
            voices.append({"dimension": dim.id, "label": dim.label, "pattern": "(all stories)",
                           "group": g.value, "stories": g.stories, "tellers": g.tellers,
                           "share": g.share, "flag": g.flag, "suppressed": g.suppressed,
                           "why": g.why, "merged": g.merged})
    for pm in report.voices.patterns:
        for dim_id, rows in pm.mix.items():
            for c in rows:
                voices.append({"dimension": dim_id, "pattern": f"{pm.number}. {pm.title}",
                               "group": c["value"], "stories": c["stories"], "share": c["share"],
                               "whole_share": c["whole_share"], "ratio": c["ratio"],
                               "suppressed": bool(c.get("suppressed")), "why": c.get("why")})
    _write(paths[3], ["dimension", "label", "pattern", "group", "merged", "stories", "tellers",
                      "share", "whole_share", "ratio", "flag", "suppressed", "why"], voices)
    _write(paths[4], ["note"], [{"note": n} for n in report.notes])
    return paths
