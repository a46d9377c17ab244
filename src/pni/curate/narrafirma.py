"""NarraFirma's "catalysis report elements" CSV, read and written, so a catalyst can move
between the two tools.

The file NarraFirma exports and imports (Catalysis > Print catalysis report): comment lines start
with ``;``; an ``Observation`` row holds name, description, strength ("1 (weak)", "2 (medium)",
"3 (strong)"), linking question, pattern name, graph type, up to three question ids, additional
patterns, the observation's place (x, y) on the themes diagram, then one cell per interpretation,
``name|text|idea|questions|x|y`` (its place on the perspectives diagram), and an optional
``[note]...`` cell; ``Perspective`` and ``Theme`` rows hold name, notes, x, y, order. NarraFirma
groups by place: an interpretation belongs to the nearest perspective, an observation to the
nearest theme.

pni writes each perspective and theme in a row of its own, and places interpretations and
observations beside theirs, so NarraFirma groups them as pni does; reading, it takes an
observation's perspective from where most of its interpretations lie. A pni test id travels as
the pattern name. ``|`` inside a text is written as ``/`` (NarraFirma splits on it); hidden
observations are not written (NarraFirma has no such mark).

>>> from pni.curate.model import Catalysis
>>> cat = Catalysis.model_validate({"observations": [{"id": "o1", "title": "Late buses",
...     "text": "Told by students", "strength": 2, "perspective": "Getting there",
...     "interpretations": [{"name": "Distance", "text": "Far homes?"},
...                         {"name": "Schedules", "text": "Or timetables?"}]}],
...     "perspectives": [{"name": "Getting there"}]})
>>> back = read_rows(list(rows(cat)))
>>> back.observations[0].perspective, back.observations[0].strength
('Getting there', 2)
"""

from __future__ import annotations

import csv
import math
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from pni.curate.model import Catalysis, CuratedObservation, Interpretation, Perspective, Theme

STRENGTHS = {1: "1 (weak)", 2: "2 (medium)", 3: "3 (strong)"}
NOTE = "[note]"
HEADER = ["; Observation", "Name", "Description", "Strength", "Linking question", "Pattern",
          "Graph type", "Question 1", "Question 2", "Question 3", "Additional patterns", "X", "Y",
          "Interpretation name|description|idea|questions|x|y",
          "(repeat for each interpretation)"]
#: where pni puts the k-th perspective or theme on NarraFirma's diagrams, and how far apart
STEP, TOP = 300, 150
#: where pni puts an interpretation of an observation in no perspective (NarraFirma gives every
#: interpretation the nearest perspective; pni reads this place back as none)
FAR = -3000
GRAPH = {"choice_choice": "table", "pattern_choice": "table", "scale_scale": "scatter",
         "scale_choice": "multiple histogram", "scale_choice_pair": "multiple histogram",
         "pattern_scale": "multiple histogram", "patterns_scale": "multiple histogram"}


def _flat(text: str) -> str:
    return text.replace("|", "/").replace("\r", " ").replace("\n", " ")


def _place(k: int) -> tuple[int, int]:
    return 100 + STEP * k, TOP


def rows(cat: Catalysis, *, name: str = "pni", redact: Any = None) -> Iterator[list[str]]:
    """The CSV rows for ``cat`` (``redact``: a function applied to every text written)."""
    r = redact or (lambda s: s)
    yield [f"; Export of catalysis elements for catalysis report {name} in project pni"]
    yield []
    yield HEADER
    persp = {p: k for k, p in enumerate(cat.perspective_order())}
    theme_of = {oid: k for k, t in enumerate(cat.themes) for oid in t.observations}
    n_in: Counter[Any] = Counter()
    for o in cat.observations:
        if o.hidden:
            continue
        questions = _questions(o.test)
        row = ["Observation", r(o.title), r(o.text), STRENGTHS.get(o.strength or 0, ""), "",
               o.test or "", GRAPH.get(_kind(o.test), ""), *questions, ""]
        if o.id in theme_of:
            x, y = _place(theme_of[o.id])
            n_in["t", theme_of[o.id]] += 1
            row += [str(x + 10 * n_in["t", theme_of[o.id]]), str(y + 40)]
        else:
            row += ["", ""]
        for i in o.interpretations:
            cell = [_flat(r(i.name)), _flat(r(i.text)), _flat(r(i.idea)), ""]
            if o.perspective in persp:
                x, y = _place(persp[o.perspective])
                n_in["p", o.perspective] += 1
                cell += [str(x + 10 * n_in["p", o.perspective]), str(y + 40)]
            elif persp:
                cell += [str(FAR), str(FAR)]  # in no perspective
            row.append("|".join(cell))
        yield row
    descriptions = {p.name: p.text for p in cat.perspectives}
    if persp:
        yield []
        yield ["; Perspective", "Name", "Notes", "X", "Y", "Order"]
        for p, k in persp.items():
            x, y = _place(k)
            yield ["Perspective", r(p), r(descriptions.get(p, "")), str(x), str(y), str(k + 1)]
    if cat.themes:
        yield []
        yield ["; Theme", "Name", "Notes", "X", "Y", "Order"]
        for k, t in enumerate(cat.themes):
            x, y = _place(k)
            yield ["Theme", r(t.name), r(t.text), str(x), str(y), str(k + 1)]


def _kind(test: str | None) -> str:
    if not test:
        return ""
    parts = test.split("|")
    if parts[0] == "pattern":
        return "patterns_scale" if parts[1] == "all" else "pattern_choice"
    return "scale_choice_pair" if len(parts) > 3 else "choice_choice"


def _questions(test: str | None) -> list[str]:
    """Up to three question ids from a pni test id (``answer|belonging|role``)."""
    if not test:
        return ["", "", ""]
    parts = test.split("|")[1:3]
    ids = [p.split("=")[0] for p in parts if p and not p.isdigit() and p != "all"]
    return [*ids, "", "", ""][:3]


def write(cat: Catalysis, path: str | Path, *, name: str = "pni", redact: Any = None) -> Path:
    from pni.privacy.spreadsheet import safe_cell

    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    with p.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        for row in rows(cat, name=name, redact=redact):
            w.writerow([safe_cell(c) for c in row])
    return p


def _unsafe(cell: str) -> str:
    """A cell as written, without the ``'`` that guards a formula-like start."""
    return cell[1:] if cell[:2] in ("'=", "'+", "'-", "'@") else cell


def _strength(cell: str) -> int | None:
    digit = cell.strip()[:1]
    return int(digit) if digit in ("1", "2", "3") else None


def _num(cell: str) -> float | None:
    try:
        v = float(cell)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _nearest(x: float | None, y: float | None,
             places: Sequence[tuple[str, float, float]]) -> str | None:
    if x is None or y is None or not places or (x <= FAR and y <= FAR):
        return None
    return min(places, key=lambda p: (p[1] - x) ** 2 + (p[2] - y) ** 2)[0]


def read_rows(table: Sequence[Sequence[str]]) -> Catalysis:
    """Observations, perspectives and themes from NarraFirma's rows (no patterns: NarraFirma's
    patterns are charts, not pni's clusters)."""
    from pni.curate.model import CuratedObservation

    pending: list[tuple[CuratedObservation, list[tuple[float | None, float | None]],
                        tuple[float | None, float | None]]] = []
    perspectives: list[tuple[str, str, float, float]] = []
    themes: list[tuple[str, str, float, float]] = []
    for raw in table:
        row = [_unsafe(c) for c in raw]
        if len(row) < 2 or not row[0] or row[0].startswith(";"):
            continue
        kind = row[0].strip()
        cells = row + [""] * (13 - len(row))
        if kind == "Observation":
            interps, places, note = [], [], ""
            for cell in row[13:]:
                if cell.startswith(NOTE):
                    note = cell[len(NOTE):]
                    continue
                bits = cell.split("|") + [""] * 6
                if not any(b.strip() for b in bits[:3]):
                    continue
                interps.append(Interpretation(name=bits[0], text=bits[1], idea=bits[2]))
                places.append((_num(bits[4]), _num(bits[5])))
            pattern = cells[5].strip()
            test = pattern if pattern.startswith(("pattern|", "answer|")) else None
            text = cells[2] + (f"\n\n{note}" if note else "")
            ob = CuratedObservation(id=f"nf{len(pending) + 1}", title=cells[1], text=text,
                                    strength=_strength(cells[3]), interpretations=interps,
                                    test=test)
            pending.append((ob, places, (_num(cells[11]), _num(cells[12]))))
        elif kind in ("Perspective", "Theme"):
            x, y = _num(cells[3]), _num(cells[4])
            item = (cells[1], cells[2], x or 0.0, y or 0.0)
            (perspectives if kind == "Perspective" else themes).append(item)
    p_places = [(n, x, y) for n, _, x, y in perspectives]
    t_places = [(n, x, y) for n, _, x, y in themes]
    obs = []
    members: dict[str, list[str]] = {n: [] for n, *_ in themes}
    for ob, places, (ox, oy) in pending:
        votes = Counter(v for v in (_nearest(x, y, p_places) for x, y in places) if v)
        if votes:
            ob.perspective = votes.most_common(1)[0][0]
        theme = _nearest(ox, oy, t_places)
        if theme is not None:
            members[theme].append(ob.id)
        obs.append(ob)
    return Catalysis(observations=obs,
                     perspectives=[Perspective(name=n, text=t) for n, t, *_ in perspectives],
                     themes=[Theme(name=n, text=t, observations=members[n])
                             for n, t, *_ in themes])


def _delimiter(lines: Sequence[str]) -> str:
    """NarraFirma's delimiter is a setting: the character after the first row's kind."""
    for line in lines:
        for kind in ("Observation", "Perspective", "Theme"):
            if line.startswith(kind) and line[len(kind):len(kind) + 1] in (",", ";", "\t"):
                return line[len(kind)]
    return ","


def read(path: str | Path) -> Catalysis:
    """Read a NarraFirma catalysis report elements CSV (comma, semicolon or tab separated)."""
    from pni.curate.io import read_text
    from pni.errors import DataError

    p = Path(path)
    lines = read_text(p, "utf-8-sig").splitlines()
    cat = read_rows(list(csv.reader(lines, delimiter=_delimiter(lines))))
    if not cat.observations and not cat.perspectives and not cat.themes:
        raise DataError("no Observation, Perspective or Theme rows: not a NarraFirma catalysis "
                        "report elements file", file=p)
    return cat


def merge(into: Catalysis, found: Catalysis) -> tuple[Catalysis, int]:
    """``into`` with ``found``'s observations, perspectives and themes in place of its own (its
    patterns kept, and its hidden observations, which NarraFirma never saw). An observation
    whose test (or, for the catalyst's own, whose title) the file already had keeps that one's
    stories and id; the others get new ids.
    Returns the merged file and how many observations matched."""
    by_test: dict[str, CuratedObservation] = {o.test: o for o in into.observations if o.test}
    by_title = {o.title: o for o in into.observations if not o.test and o.title}
    taken = {o.id for o in into.observations}
    matched = 0
    out: list[CuratedObservation] = []
    for o in found.observations:
        old = by_test.get(o.test or "") if o.test else by_title.get(o.title)
        if old is not None:
            matched += 1
            o = o.model_copy(update={"id": old.id, "stories": list(old.stories)})
        else:
            base, n = o.id, 1
            while o.id in taken:
                n += 1
                o = o.model_copy(update={"id": f"{base}-{n}"})
        taken.add(o.id)
        out.append(o)
    renamed = {f.id: o.id for f, o in zip(found.observations, out, strict=True)}
    themes = [t.model_copy(update={"observations": [renamed.get(i, i) for i in t.observations]})
              for t in found.themes]
    out += [o for o in into.observations if o.hidden and o.id not in {x.id for x in out}]
    return into.model_copy(update={"observations": out, "perspectives": found.perspectives,
                                   "themes": themes}), matched
