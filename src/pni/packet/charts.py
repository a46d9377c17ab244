"""A small chart of the numbers behind each observation the packet prints, as NarraFirma's
printed catalysis report has: grouped bars for an answer against an answer (or a pattern against
an answer), side-by-side histograms for a scale against an answer or the patterns, and a grid of
sized squares for a scale against a scale (binned counts: no mark is one teller's answers).

No count is made here. The numbers are the report's own: the contingency table of the test
behind the observation (a table with a cell under the small-cell rule is never tested, so none
is printed), and ``pni.explore.charts``' multiple histograms and scatter plots, whose bins and
places are hidden under the same rule as in report.html ("<5", or "hidden" for a count hidden
so that another can't be worked out). The tests are found again by running the lenses with the
parameters the exploration recorded, and matched to the stored observation by kind, test,
statistic, p, effect and n (a catalyst's observation names its test by id).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pni.packet.model import ChartCell, ObsChart
from pni.packet.prompts import fill
from pni.privacy.cells import shown_count

if TYPE_CHECKING:
    from pni.explore.data import ExploreData
    from pni.explore.models import Histogram, TestResult
    from pni.privacy.gate import Gate
    from pni.store import Store

#: histogram panels at most (the observation's own groups first); the rest are counted
MAX_PANELS = 8
#: bars at most in a grouped bar chart (groups x answers)
MAX_BARS = 48
#: the charts' words; ``prompts/packet/labels.yaml`` may say them otherwise
CHART_LABELS = {
    "chart_expected": "expected if unrelated",
    "chart_expected_short": "expected",
    "chart_rest": "the other stories",
    "chart_by": "by",
    "chart_more": "{n} more groups in the report.",
    "chart_too_few": "fewer than {n} tellers",
    "chart_stories": "stories",
    "chart_median": "median",
    "chart_mean": "mean",
    "chart_patterns": "Patterns",
}
SCALE_KINDS = ("pattern_scale", "patterns_scale", "scale_choice", "scale_choice_pair")


def _close(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b
    try:
        return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(b)))
    except (TypeError, ValueError):
        return False


def matches(o: Mapping[str, Any], t: TestResult) -> bool:
    """Whether a stored observation (kind, lens, numbers) was made of test ``t``."""
    nums = o.get("numbers") or {}
    if o.get("kind") != t.kind or nums.get("test") != t.test or nums.get("n") != t.n:
        return False
    if not (_close(nums.get(t.statistic_name), t.statistic) and _close(nums.get("p"), t.p)
            and _close(nums.get(t.effect_name), t.effect)):
        return False
    if t.kind == "scale_choice_pair":
        return str(t.detail.get("answer_a")) in nums and str(t.detail.get("answer_b")) in nums
    if t.kind in ("scale_choice", "patterns_scale"):
        return set(nums.get("groups") or {}) == set(t.detail.get("groups") or {})
    return True


def observation_charts(db: Store, gate: Gate, run_id: int | None,
                       observations: Sequence[Mapping[str, Any]],
                       pattern_names: Mapping[int, str], labels: Mapping[str, str]
                       ) -> list[ObsChart | None]:
    """One chart per observation (None where no test lies behind it: a catalyst's own)."""
    if not any(o.get("test") or o.get("kind") for o in observations):
        return [None] * len(observations)
    from pni.explore.cells import suppress_small
    from pni.explore.data import Lump, load
    from pni.explore.lenses import (
        DEFAULT_MIN_PATTERN,
        DEFAULT_MIN_SUBSET,
        answer_lens,
        pattern_lens,
    )
    from pni.store.observations import latest_exploration

    ex = latest_exploration(db, run_id)
    params = ex.params if ex is not None else {}
    lumps = [Lump.parse(str(x)) for x in params.get("lumps") or []]
    data = load(db, run_id, lumps, min_cell=gate.min_cell)
    if data.frame.empty:
        return [None] * len(observations)
    numbers: Mapping[int, Any] = {}
    if any(o.get("test") for o in observations):
        numbers = _catalysis_numbers(db, data, gate)
    suppress_small(data)
    # only the lenses the observations come from; p, not q, finds a test (no FDR needed)
    lenses = {str(o.get("test") or "").split("|")[0] or o.get("lens") for o in observations}
    tests: list[TestResult] = []
    if "pattern" in lenses:
        tests += pattern_lens(data, min_pattern=int(params.get("min_pattern",
                                                                DEFAULT_MIN_PATTERN))).tests
    if "answer" in lenses:
        tests += answer_lens(data, min_subset=int(params.get("min_subset",
                                                              DEFAULT_MIN_SUBSET))).tests
    by_id = {t.id: t for t in tests}
    maker = _Maker(data, gate, pattern_names, labels, int(params.get("min_subset",
                                                                     DEFAULT_MIN_SUBSET)))
    out: list[ObsChart | None] = []
    for o in observations:
        t: TestResult | None
        if o.get("test"):
            from pni.curate.match import remap_test

            tid = remap_test(str(o["test"]), numbers)
            t = by_id.get(tid) if tid else None
        else:
            t = next((t for t in tests if matches(o, t)), None)
        out.append(None if t is None else maker.chart(t))
    return out


def _catalysis_numbers(db: Store, data: ExploreData, gate: Gate) -> Mapping[int, Any]:
    """The file's pattern numbers in this run's numbering (``pni.curate``), so that a
    catalyst's observation finds its test as the report does."""
    from pni.curate.io import find, load
    from pni.explore.curation import apply_patterns

    path = find(db)
    if path is None:
        return {}
    return apply_patterns(data, load(path), gate.redactor).numbers


class _Maker:
    def __init__(self, data: ExploreData, gate: Gate, pattern_names: Mapping[int, str],
                 labels: Mapping[str, str], min_subset: int) -> None:
        from pni.explore.cells import tellers
        from pni.explore.charts import _codes

        self.data, self.gate, self.min_subset = data, gate, min_subset
        self.min_cell = gate.min_cell
        self.L = {**CHART_LABELS, **labels}
        self.who = _codes(tellers(data.frame))
        word = labels.get("pattern", "Pattern")
        self.pattern_names = {int(n): pattern_names.get(int(n), f"{word} {n}")
                              for n in (p.number for p in data.patterns)}
        self._choices: dict[str, Any] | None = None

    def red(self, text: Any) -> str:
        return self.gate.redactor.redact(str(text)) or ""

    def chart(self, t: TestResult) -> ObsChart | None:
        try:
            if t.kind in ("pattern_choice", "choice_choice"):
                return self.bars(t)
            if t.kind in SCALE_KINDS:
                return self.histograms(t)
            if t.kind == "scale_scale":
                return self.grid(t)
        except KeyError:  # a question the data no longer holds: no chart, never a wrong one
            return None
        return None

    # -- bars: the test's own table ---------------------------------------------------------
    def bars(self, t: TestResult) -> ObsChart | None:
        d = t.detail
        rows, cols = [str(r) for r in d["rows"]], [str(c) for c in d["cols"]]
        if not rows or not cols or len(rows) * len(cols) > MAX_BARS:
            return None
        vb = self.data.variable(t.b)
        if t.kind == "pattern_choice":
            groups = [self.pattern_names.get(int(d["pattern_number"]), rows[0]),
                      self.L["chart_rest"]]
            y_label = self.L["chart_patterns"]
        else:
            groups = [self.red(r) for r in rows]
            y_label = self.red(self.data.variable(t.a).label)
        x_label = self.red(vb.label)
        cells = []
        for i in range(len(rows)):
            line = []
            for j in range(len(cols)):
                c = d["counts"][i][j]
                e = d["expected"][i][j]
                if c is None:  # never in a tested table; drawn as hidden should one come
                    line.append(ChartCell(shown=shown_count(None, self.min_cell)))
                else:
                    line.append(ChartCell(count=int(c), shown=str(int(c)),
                                          expected=None if e is None else float(e)))
            cells.append(line)
        mark = 0 if t.kind == "pattern_choice" else self._picked(t)
        return ObsChart(kind="bars", title=f"{y_label} × {x_label}", x_label=x_label,
                        y_label=y_label, groups=groups, series=[self.red(c) for c in cols],
                        cells=cells, highlight=[mark] if mark is not None else [])

    def _picked(self, t: TestResult) -> int | None:
        """The row of the cell the observation speaks of: the largest adjusted residual, in
        the "yes" row or column of a multi-choice option (as ``pni.explore.observations``
        picks it)."""
        from pni.explore.data import YES

        d = t.detail
        res = d.get("residuals") or []
        rows, cols = list(d["rows"]), list(d["cols"])
        yes_row = self.data.variable(t.a).option is not None and YES in rows
        yes_col = self.data.variable(t.b).option is not None and YES in cols
        best, where = -float("inf"), None
        for i, line in enumerate(res):
            for j, r in enumerate(line):
                if (yes_row and rows[i] != YES) or (yes_col and cols[j] != YES):
                    continue
                if r is not None and r > best:
                    best, where = r, i
        return where

    # -- histograms: the report's multiple histogram ----------------------------------------
    def _choice(self, cid: str) -> Any:
        from pni.explore.charts import choices

        if self._choices is None:
            self._choices = {c.id: c for c in choices(self.data, {})}
        return self._choices[cid]

    def histograms(self, t: TestResult) -> ObsChart | None:
        from pni.explore.charts import _histograms, axis
        from pni.explore.data import column_for

        if t.kind in ("pattern_scale", "patterns_scale"):
            scale, cid = t.b, "pattern"
        else:
            scale = t.a
            vc = self.data.variable(t.b)
            cid = vc.question if vc.about == "attribute" else column_for(vc.question)
        ax = axis(self.data, scale)
        choice = self._choice(cid)
        hs = _histograms(self.data, ax, self.who, choice.groups, False)
        names = self._group_names(cid, [h.group for h in hs])
        want = self._wanted(t, cid, [h.group for h in hs])
        keep = [i for i in want if not hs[i].suppressed] + [
            i for i in range(len(hs)) if i not in want]
        keep = sorted(keep[:MAX_PANELS])
        more = len(hs) - len(keep)
        cells, notes, hidden = [], [], []
        for i in keep:
            h = hs[i]
            cells.append([self._bin(b.count, b.why) for b in h.bins])
            hidden.append(h.suppressed)
            notes.append(self._stats(h))
        scale_label = self.red(ax.label)
        choice_label = (self.L["chart_patterns"] if cid == "pattern"
                        else self.red(choice.label))
        note = (fill(self.L["chart_more"], {"n": more})
                if more else "")
        return ObsChart(kind="histograms", title=f"{scale_label} — {self.L['chart_by']}"
                        f" {choice_label}", x_label=scale_label, y_label=choice_label,
                        groups=[names[i] for i in keep], series=[b[0] for b in ax.bins],
                        cells=cells, group_notes=notes, hidden_groups=hidden,
                        highlight=[k for k, i in enumerate(keep) if i in want], note=note)

    def _bin(self, count: int | None, why: str | None) -> ChartCell:
        if count is None:
            return ChartCell(shown=shown_count(None, self.min_cell, why or "small"))
        return ChartCell(count=count, shown=str(count))

    def _stats(self, h: Histogram) -> str:
        if h.suppressed:
            return fill(self.L["chart_too_few"], {"n": self.min_cell})
        parts = [f"{h.n} {self.L['chart_stories']}"]
        if h.median is not None:
            parts.append(f"{self.L['chart_median']} {_num(h.median)}")
        if h.mean is not None:
            parts.append(f"{self.L['chart_mean']} {_num(h.mean)}")
        return ", ".join(parts)

    def _group_names(self, cid: str, groups: list[str]) -> list[str]:
        if cid == "pattern":
            return [self.pattern_names[p.number] for p in self.data.patterns]
        return [self.red(g) for g in groups]

    def _wanted(self, t: TestResult, cid: str, groups: list[str]) -> list[int]:
        """The groups the observation names: the pattern or the two answers compared, or the
        lowest and highest of an overall test."""
        d = t.detail
        if cid == "pattern":
            nums = [p.number for p in self.data.patterns]
            if t.kind == "pattern_scale":
                picked = [int(d["pattern_number"])]
            else:
                titles = {str(p.title): p.number for p in self.data.patterns}
                picked = [titles[k] for k in _extremes(d.get("groups") or {}) if k in titles]
            return [nums.index(n) for n in picked if n in nums]
        if t.kind == "scale_choice_pair":
            named = ([str(d["option"])] if d.get("option")
                     else [str(d.get("answer_a")), str(d.get("answer_b"))])
        else:
            named = _extremes(d.get("groups") or {})
        return [groups.index(g) for g in named if g in groups]

    # -- grid: the report's scatter plot, binned --------------------------------------------
    def grid(self, t: TestResult) -> ObsChart | None:
        from pni.explore.charts import _scatter, axis

        ax, ay = axis(self.data, t.a), axis(self.data, t.b)
        everyone = self.data.frame["story_id"].notna().to_numpy(dtype=bool)
        sc = _scatter(self.data, ax, ay, self.who, everyone, "", {}, False, self.min_subset)
        xs, ys = [b[0] for b in ax.bins], [b[0] for b in ay.bins]
        at = {(p.x_label, p.y_label): p for p in sc.points}
        cells = []
        for yl in reversed(ys):
            line = []
            for xl in xs:
                p = at.get((xl, yl))
                line.append(ChartCell() if p is None else self._bin(p.count, p.why))
            cells.append(line)
        note = ""
        if sc.suppressed:  # every place empty: the stories come from too few tellers
            note = fill(self.L["chart_too_few"], {"n": self.min_cell})
        x_label, y_label = self.red(ax.label), self.red(ay.label)
        return ObsChart(kind="grid", title=f"{y_label} × {x_label}", x_label=x_label,
                        y_label=y_label, groups=list(reversed(ys)), series=xs, cells=cells,
                        note=note)


def _extremes(groups: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The lowest and highest group by median, then mean (as the observation names them)."""
    if not groups:
        return []
    order = sorted(groups, key=lambda k: (groups[k]["median"], groups[k]["mean"]))
    return list(dict.fromkeys([order[0], order[-1]]))


def _num(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")
