"""Two cycles side by side: the answers and the patterns of one collection beside another's
(`pni compare "Spring 2026" "Fall 2026"`), so that a community sees what moved between two
rounds of listening. Every count passes the small-cell rule (``pni.privacy.cells``): each
collection's answers are a protected one-way table of its own, and the patterns x collections
table hides its small cells ('<5') and their complements ('hidden').
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

if TYPE_CHECKING:
    from pni.store import Store


class Side(BaseModel):
    stories: int | None = None
    share: float | None = None
    why: str | None = None  # 'small' or 'complement' where hidden


class CompareRow(BaseModel):
    label: str
    a: Side | None = None  # None: counted in a merged row of that side
    b: Side | None = None


class CompareTable(BaseModel):
    id: str
    label: str
    rows: list[CompareRow] = Field(default_factory=list)


class Comparison(BaseModel):
    a: str
    b: str
    stories: dict[str, int] = Field(default_factory=dict)
    tellers: dict[str, int] = Field(default_factory=dict)
    tables: list[CompareTable] = Field(default_factory=list)
    patterns: CompareTable | None = None
    notes: list[str] = Field(default_factory=list)


def compare(db: Store, a: str, b: str, *, run_id: int | None = None) -> Comparison:
    """The answers of collection ``a`` beside those of ``b`` (and, with a cluster run, how many
    of each one's stories each pattern holds)."""
    from pni.errors import UsageError
    from pni.explore.cells import n_tellers, tellers
    from pni.explore.data import column_for, load
    from pni.explore.report import resolve
    from pni.privacy.cells import cells_note, small_cell_note, table_reasons
    from pni.privacy.gate import Gate

    gate = Gate.open(db)
    data = load(db, resolve(db, run_id), min_cell=gate.min_cell)
    f = data.frame
    known = sorted({str(c) for c in f["collection"].dropna()})
    for name in (a, b):
        if name not in known:
            raise UsageError(f"no collection {name!r} (collections: {', '.join(known)})",
                             param="collections")
    who = tellers(f)
    sides = {a: f["collection"] == a, b: f["collection"] == b}
    out = Comparison(a=a, b=b, stories={k: int(m.sum()) for k, m in sides.items()},
                     tellers={k: n_tellers(who, m) for k, m in sides.items()},
                     notes=[small_cell_note(gate.min_cell)])
    for q in data.questions.values():
        if q.kind not in ("choice", "boolean", "multi-choice") or q.about not in ("story",
                                                                                 "teller"):
            continue
        col = column_for(q.id)
        rows: dict[str, CompareRow] = {}
        merged: dict[str, set[str]] = {a: set(), b: set()}
        for side, mask in sides.items():
            sub, sub_who = f.loc[mask, col], who[mask]
            groups: dict[str, tuple[int, set[str]]] = {}
            for v, t in zip(sub, sub_who, strict=True):
                for x in (v if isinstance(v, list) else [] if v is None or v != v else [v]):
                    n, ts = groups.get(str(x), (0, set()))
                    groups[str(x)] = (n + 1, ts | {t})
            answered = sub.map(lambda v: bool(v) if isinstance(v, list)
                               else v is not None and v == v).astype(bool)
            table = data.distribution(
                dict(sorted(groups.items(), key=lambda kv: -kv[1][0])),
                (int((~answered).sum()), set(sub_who[~answered])),
                partition=q.kind != "multi-choice")
            total = int(mask.sum())
            merged[side] = {m for r in table.rows if r.merged for m in r.members} | (
                {"(no answer)"} if any(r.merged and r.no_answer for r in table.rows) else set())
            for r in table.rows:
                row = rows.setdefault(r.label, CompareRow(label=r.label))
                cell = Side(stories=r.stories, why=r.why,
                            share=None if r.stories is None or not total
                            else round(r.stories / total, 4))
                if side == a:
                    row.a = cell
                else:
                    row.b = cell
        for row in rows.values():  # absent from a side: merged there, or told by no one
            if row.a is None and row.label not in merged[a]:
                row.a = Side(stories=0, share=0.0)
            if row.b is None and row.label not in merged[b]:
                row.b = Side(stories=0, share=0.0)
        if rows:
            out.tables.append(CompareTable(id=q.id, label=q.text, rows=list(rows.values())))
    if data.patterns:
        rf = data.run_frame()
        rwho = tellers(rf)
        masks = [[(rf["pattern_number"] == p.number).fillna(False)
                  & (rf["collection"] == side) for side in (a, b)] for p in data.patterns]
        counts = [[int(m.sum()) for m in r] for r in masks]
        why = table_reasons(counts, [[n_tellers(rwho, m) for m in r] for r in masks],
                            gate.min_cell)
        sizes = [int((rf["collection"] == side).sum()) for side in (a, b)]
        prow = []
        for p, cr, wr in zip(data.patterns, counts, why, strict=True):
            cells = [Side(stories=None if w else c, why=w,
                          share=None if w or not n else round(c / n, 4))
                     for c, w, n in zip(cr, wr, sizes, strict=True)]
            prow.append(CompareRow(label=f"{p.number}. {gate.redact(p.title)}",
                                   a=cells[0], b=cells[1]))
        out.patterns = CompareTable(id="pattern", label="Patterns", rows=prow)
        note = cells_note(gate.min_cell, {w for r in why for w in r})
        if note:
            out.notes.append(note)
    return out


def comparison_rows(c: Comparison) -> list[dict[str, Any]]:
    """Flat rows (CSV, JSON lines): one per table row, both sides."""
    out = []
    for t in [*c.tables, *([c.patterns] if c.patterns else [])]:
        for r in t.rows:
            out.append({"table": t.id, "label": t.label, "group": r.label,
                        "a_stories": r.a.stories if r.a else None,
                        "a_share": r.a.share if r.a else None,
                        "b_stories": r.b.stories if r.b else None,
                        "b_share": r.b.share if r.b else None,
                        "suppressed": bool((r.a and r.a.why) or (r.b and r.b.why))})
    return out
