"""Catalysis end to end: load the data, check its integrity, run both lenses with one FDR
correction, turn notable results into observations, look at voices, and assemble one
``ExploreReport`` (what the HTML, Markdown, CSV and JSON outputs show).

>>> from pathlib import Path
>>> from pni.ingest.collect import collect
>>> from pni.store import Store
>>> with Store.open(":memory:") as db:                   # from a checkout: the sample fieldwork
...     _ = collect(db, [Path("sample_stories")])
...     report = build_report(db)
>>> report.notes[0]
'No cluster run yet: the pattern lens and the story map are left out (run `pni cluster` first).'
>>> all(len(o.interpretations) >= 2 for o in report.observations)
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pni.explore.data import ATTRIBUTES, ExploreData, Lump, column_for, load
from pni.explore.lenses import DEFAULT_MIN_PATTERN, DEFAULT_MIN_SUBSET, run_lenses
from pni.explore.models import ExploreReport, Heatmap, MapPoint, StoryBrowser
from pni.explore.voices import DEFAULT_FEW

if TYPE_CHECKING:
    from pni.privacy.gate import Gate
    from pni.settings import Settings
    from pni.store import Store

DEFAULT_Q_THRESHOLD = 0.1
WITHHELD = "(text withheld: consent is not yes)"


def resolve(db: Store, run_id: int | None, *, no_run: bool = False) -> int | None:
    """The run to explore: the one asked for (checked), else the latest, else None (no run)."""
    from pni.store import runs as runq

    if no_run:
        return None
    if run_id is not None:
        return runq.resolve_run(db, run_id)
    return runq.latest_run_id(db, kind=None)


def build_report(
    db: Store,
    *,
    run_id: int | None = None,
    no_run: bool = False,
    min_subset: int = DEFAULT_MIN_SUBSET,
    min_pattern: int = DEFAULT_MIN_PATTERN,
    q_threshold: float = DEFAULT_Q_THRESHOLD,
    lumps: Sequence[str | Lump] = (),
    interpretations: str | Path | None = None,
    few: int = DEFAULT_FEW,
    names_file: str | Path | None = None,
    redact: bool = True,
    settings: Settings | None = None,
    catalysis: str | Path | bool = True,
) -> ExploreReport:
    """Explore the store's stories: against the patterns of ``run_id`` (default: the latest run;
    none with ``no_run``) and against each other. Reads only; ``save_report`` stores the result.

    Story titles, first lines and pattern labels are redacted as in packets (the project's
    policy: ``settings``, else the store's ``pni.toml``; ``names_file`` replaces its names file)
    unless ``redact`` is off.

    ``catalysis``: the catalyst's file (``pni.curate``) to apply: True, the store's
    ``catalysis.yaml`` whenever it exists; False, none; or a path. Its pattern titles are used
    throughout, and its observations are shown (grouped by perspective, hidden ones never).
    """
    import pni
    from pni.errors import UsageError
    from pni.explore.integrity import integrity
    from pni.explore.observations import Templates, caution, make_observations
    from pni.explore.voices import voices
    from pni.store import runs as runq

    for name, value in (("min_subset", min_subset), ("min_pattern", min_pattern)):
        if value < 2:
            raise UsageError(f"must be at least 2 (got {value})", param=name)
    if not 0 < q_threshold <= 1:
        raise UsageError(f"must be in (0, 1] (got {q_threshold})", param="q_threshold")
    templates = Templates.load(interpretations)
    parsed = [lp if isinstance(lp, Lump) else Lump.parse(lp) for lp in lumps]
    rid = resolve(db, run_id, no_run=no_run)
    from pni.privacy.gate import Gate

    gate = Gate.open(db, settings, names_file=names_file, redact=redact)
    settings = gate.settings
    data = load(db, rid, parsed, min_cell=gate.min_cell)
    if data.frame.empty:
        from pni.errors import DataError

        raise DataError("the store holds no stories: run `pni collect` first")
    from pni.explore.cells import suppress_small
    from pni.privacy.cells import RULE_VERSION, small_cell_note

    redaction = _redact(data, gate)
    cat_path = _catalysis_path(db, catalysis)
    cat = match = None
    if cat_path is not None:
        from pni.curate.io import load as load_catalysis
        from pni.explore.curation import apply_patterns

        cat = load_catalysis(cat_path)
        match = apply_patterns(data, cat, gate.redactor)
    # one question at a time first (true counts, small answers in labelled rows), then the
    # answers of too few tellers merged away for the tests and cross-tables
    integ = integrity(data)
    vo = voices(data, few=few)
    merged = suppress_small(data)
    notes: list[str] = []
    run_info: dict[str, Any] | None = None
    if rid is None:
        notes.append("No cluster run yet: the pattern lens and the story map are left out "
                     "(run `pni cluster` first)." if not no_run else
                     "Without a run (--no-run): the pattern lens and the story map are left out.")
    else:
        r = runq.get_run(db, rid)
        run_info = {"id": rid, "kind": r.kind, "created_at": r.created_at,
                    "n_stories": r.n_stories, "n_patterns": len(data.patterns),
                    "coverage": r.coverage}
        outside = int((~data.frame["in_run"]).sum())
        if outside:
            notes.append(f"{outside} stories are not in run {rid} (collected after it): they "
                         "count in the answer lens only.")
        if not data.patterns:
            notes.append(f"Run {rid} has no patterns: the pattern lens is empty.")
    if parsed:
        notes.append("Answers lumped for this report only (stored answers unchanged): "
                     + "; ".join(str(lp) for lp in parsed) + ".")

    notes.append(redaction)
    notes.append(_withheld(data))
    notes.append(small_cell_note(settings.min_cell))
    notes.extend(merged)
    lens = run_lenses(data, min_subset=min_subset, min_pattern=min_pattern,
                      q_threshold=q_threshold)
    observations = make_observations(lens.tests, data, templates)
    from pni.explore.review import order

    review = order(observations)

    curated = None
    if cat is not None and cat_path is not None and match is not None:
        from pni.explore.curation import curation

        curated = curation(cat, cat_path, match, observations, lens.tests, gate.redactor,
                           gate.min_cell, rid)
        notes.append(f"Catalyst's work applied from {cat_path.name}: "
                     f"{len(curated.observations)} observations shown"
                     + (f", {curated.hidden} hidden" if curated.hidden else "")
                     + (f", {len(curated.new)} new candidates not in the file yet"
                        if curated.new else "") + ".")
        notes.extend(curated.unmatched)

    browser = _browser(data, gate)
    charts = _charts(data, lens.tests, browser, gate, integ, min_subset)
    shown = _shown(data)
    stories: dict[str, dict[str, str]] = {}
    for sid in [sid for ob in observations for sid in ob.story_ids] + [
            sid for co in (curated.observations if curated else []) for sid in co.story_ids]:
        if sid in shown:
            stories.setdefault(sid, shown[sid])
        elif curated is None or sid in data.texts:
            stories.setdefault(sid, {"title": "", "first_line": WITHHELD})
    codes = gate.codes(stories)  # the card code every output names a story by
    stories = {sid: {**v, "code": codes.get(sid, sid)} for sid, v in stories.items()}
    rf = data.run_frame()
    members = {int(p.number): [str(s) for s in
                                  rf.loc[rf["pattern_number"] == p.number, "story_id"]]
               for p in data.patterns}

    return ExploreReport(
        generated_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        pni_version=pni.__version__,
        run=run_info,
        params={"min_subset": min_subset, "min_pattern": min_pattern,
                "q_threshold": q_threshold, "lumps": [str(lp) for lp in parsed], "few": few,
                "interpretations": templates.source, "min_cell": settings.min_cell,
                "small_cell_rule": RULE_VERSION},
        notes=notes,
        n_stories=len(data.frame),
        patterns=[{"number": p.number, "title": p.title, "size": p.size,
                   "keywords": p.keywords} for p in data.patterns],
        questions=[{"id": q.id, "text": q.text, "kind": q.kind, "about": q.about,
                    "options": data.options_of(q.id) if q.kind != "scale" else [],
                    "scale_min": q.scale_min, "scale_max": q.scale_max}
                   for q in data.questions.values() if q.kind != "text"],
        integrity=integ,
        tests=sorted(lens.tests, key=lambda t: (t.q if t.q is not None else 1.0, t.id)),
        skipped=lens.skipped,
        observations=observations,
        review=review,
        caution=caution(templates, n_tests=len(lens.tests), n_stories=len(data.frame),
                        q_threshold=q_threshold),
        voices=vo,
        map_points=_map_points(data, shown),
        heatmaps=_heatmaps(data),
        stories=stories,
        sessions=_sessions(db),
        browser=browser,
        charts=charts,
        pattern_stories=members,
        curation=curated,
    )


def _catalysis_path(db: Store, catalysis: str | Path | bool) -> Path | None:
    """The catalyst's file to apply (see ``build_report``), or None."""
    if catalysis is False:
        return None
    if catalysis is True:
        from pni.curate.io import find

        return find(db)
    return Path(catalysis)


def _sessions(db: Store) -> list[Any]:
    """What the recorded sessions made, as the return page gives it (none before `pni record`)."""
    from pni.record.returns import build_return

    return [s.model_dump(mode="json") for s in build_return(db).sessions]


def _withheld(data: ExploreData) -> str:
    """How many stories' text the report withholds, and why (only consent "yes" is shown); the
    counts per consent value follow the small-cell rule (``consent_counts``)."""
    from pni.explore.integrity import consent_counts

    counts = consent_counts(data)
    if set(counts) <= {"yes"}:
        return "Consent: no story withheld."
    words = {"no": "whose tellers said no to sharing", "unknown": "with unrecorded consent"}
    if "yes" not in counts:  # consent no or unknown from too few tellers, merged with yes
        return (f"Consent: the text of stories from fewer than {data.min_cell} tellers is "
                "withheld (their consent is not yes); their answers still count in the "
                "statistics.")
    parts = [f"{v} {words.get(k, f'({k})')}" for k, v in counts.items() if k != "yes"]
    return (f"Consent: the text of {sum(v or 0 for k, v in counts.items() if k != 'yes')} "
            "stories is withheld (" + "; ".join(parts) + "); their answers still count in the "
            "statistics.")


def _redact(data: ExploreData, gate: Gate) -> str:
    """Redact the text the report shows (titles, first lines, pattern labels); say what was done."""
    from pni.privacy.policy import redaction_note

    red, settings = gate.redactor, gate.settings
    if not red.enabled:
        return redaction_note(red, settings)
    for col in ("title", "first_line", "pattern"):
        data.frame[col] = data.frame[col].map(lambda v: red.redact(v) if isinstance(v, str) else v)
    data.patterns = [replace(p, title=red.redact(p.title) or "",
                             keywords=[red.redact(k) or "" for k in p.keywords])
                     for p in data.patterns]
    return redaction_note(red, settings)


def _shown(data: ExploreData) -> dict[str, dict[str, str]]:
    """Title and first line of each story whose consent is "yes"; others are withheld."""
    out = {}
    for r in data.frame[["story_id", "title", "first_line", "consent"]].itertuples(index=False):
        if r.consent == "yes":
            out[str(r.story_id)] = {"title": str(r.title), "first_line": str(r.first_line)}
        else:
            out[str(r.story_id)] = {"title": "", "first_line": WITHHELD}
    return out


#: the most of a story's text the story browser carries, and of all its stories' text together
#: (a 10,000-story report keeps 800 characters of each)
BROWSER_TEXT = 4000
BROWSER_BUDGET = 8_000_000


def _browser(data: ExploreData, gate: Gate) -> StoryBrowser:
    """The stories the report may print (consent "yes", as its other story lists; redacted),
    each with its pattern and its answers after the small-cell merge, for the story browser.
    Only the answers a card prints are there (the card questions), and a teller answer that
    the story's card would withhold (``Gate.card_withheld``) is left out too, so no row and no
    filter singles out a teller."""
    import pandas as pd

    from pni.explore.models import BrowserStory, Facet
    from pni.privacy.metadata import card_question_ids

    f = data.frame
    red = gate.redactor
    # a row shows what the story's card shows: the card questions (pni.toml's card_questions,
    # else the story questions and the teller's role), so no filter reaches a teller answer
    # that no card prints
    on_cards = card_question_ids(data.questions, gate.settings.card_questions)
    asked = [q for q in data.questions.values()
             if q.kind != "text" and q.about in ("story", "teller") and q.id in on_cards]
    facets: list[Facet] = []
    if data.patterns:
        facets.append(Facet(key="pattern", label="Pattern", kind="pattern",
                            values=[int(p.number) for p in data.patterns] + [None],
                            labels=[f"{p.number}. {p.title}" for p in data.patterns]
                            + ["no pattern"]))
    for q in sorted(asked, key=lambda q: q.about != "story"):
        col = column_for(q.id)
        if q.kind == "scale":
            vals: list[Any] = sorted({float(v) for v in f[col].dropna()})
            facets.append(Facet(key=col, label=q.text, kind="scale", about=q.about, values=vals,
                                labels=[f"{v:g}" for v in vals]))
            continue
        opts = data.options_seen(q.id, f)
        facets.append(Facet(key=col, label=q.text, about=q.about, values=list(opts),
                            labels=[str(o) for o in opts],
                            kind="multi" if q.kind == "multi-choice" else "choice"))
    for col, label in ATTRIBUTES.items():
        vals = sorted({str(v) for v in f[col].dropna()})
        if vals:
            facets.append(Facet(key=col, label=label, kind="choice", about="attribute",
                                values=vals, labels=vals))

    printable = f[f["consent"] == "yes"]
    teller_qs = [q.id for q in asked if q.about == "teller"]
    release = gate.stories(ids=list(printable["story_id"]), with_answers=True)
    withheld = gate.card_withheld(release.stories, teller_qs)
    codes = gate.codes(s.id for s in release.stories)
    out: list[BrowserStory] = []
    cap = max(300, min(BROWSER_TEXT, BROWSER_BUDGET // max(1, len(printable))))
    for _, r in printable.iterrows():
        sid = str(r["story_id"])
        answers: dict[str, Any] = {}
        for q in asked:
            if q.id in withheld.get(sid, ()):
                continue
            v = r[column_for(q.id)]
            if isinstance(v, list):
                if v:
                    answers[column_for(q.id)] = [str(x) for x in v]
            elif v is not None and not pd.isna(v):
                answers[column_for(q.id)] = float(v) if q.kind == "scale" else str(v)
        for col in ATTRIBUTES:
            if isinstance(r[col], str) and r[col]:
                answers[col] = r[col]
        text = data.texts.get(sid, "")
        text = (red.redact(text) or "") if red.enabled else text
        if len(text) > cap:
            text = text[: cap - 1].rstrip() + f"… (pni stories show {codes.get(sid, sid)})"
        num = r["pattern_number"]
        out.append(BrowserStory(id=sid, code=codes.get(sid, ""), title=str(r["title"] or ""), text=text,
                                pattern=None if pd.isna(num) or not r["in_run"] else int(num),
                                answers=answers))
    return StoryBrowser(stories=out, facets=facets, withheld=len(f) - len(printable),
                        answers_withheld=len(withheld))


def _charts(data: ExploreData, tests: Sequence[Any], browser: StoryBrowser, gate: Gate,
            integ: Any, min_subset: int) -> Any:
    """NarraFirma's chart set (``pni.explore.charts``), its marks selecting in ``browser``."""
    from pni.explore.charts import build
    from pni.privacy.metadata import card_question_ids

    facets = {f.key: set(f.values) for f in browser.facets}
    unanswered = {q.id: q.unanswered for q in integ.questions}
    return build(data, tests, facets=facets, gate=gate,
                 on_cards=card_question_ids(data.questions, gate.settings.card_questions),
                 unanswered=unanswered, min_subset=min_subset)


def _map_points(data: ExploreData, shown: dict[str, dict[str, str]]) -> list[MapPoint]:
    import pandas as pd

    rf = data.run_frame()
    pts = []
    for r in rf.itertuples(index=False):
        x, y = r.x, r.y
        if pd.isna(x) or pd.isna(y):
            continue
        num = None if pd.isna(r.pattern_number) else int(r.pattern_number)
        s = shown.get(str(r.story_id), {})
        pts.append(MapPoint(story_id=str(r.story_id), x=float(x), y=float(y),
                            pattern_number=num, pattern=r.pattern if num is not None else None,
                            title=s.get("title", ""), first_line=s.get("first_line", "")))
    return pts


def _heatmaps(data: ExploreData) -> list[Heatmap]:
    """Patterns x answers for each choice, boolean and multi-choice question (descriptive); the
    cells the small-cell rule hides (a pattern of too few tellers: its whole row) are None."""
    import numpy as np

    from pni.explore.cells import n_tellers, tellers, too_few
    from pni.explore.stats import adjusted_residuals
    from pni.privacy.cells import table_reasons

    rf = data.run_frame()
    if rf.empty or not data.patterns:
        return []
    who = tellers(rf)
    rows = [(rf["pattern_number"] == p.number).fillna(False) for p in data.patterns]
    small = [too_few(who, r, data.min_cell) for r in rows]
    out = []
    for q in data.questions.values():
        if q.kind not in ("choice", "boolean", "multi-choice") or q.about not in ("story", "teller"):
            continue
        col = column_for(q.id)
        opts = data.options_seen(q.id, rf)
        has = [rf[col].map(lambda v, o=o: o in v if isinstance(v, list) else v == o)
               for o in opts]
        t = np.asarray([[int((r & h).sum()) for h in has] for r in rows], dtype=float)
        keep = [j for j in range(t.shape[1]) if t[:, j].sum() > 0]
        if len(keep) < 2 or t.sum() == 0:
            continue
        t = t[:, keep]
        exp = np.outer(t.sum(axis=1), t.sum(axis=0)) / t.sum()
        res = np.round(adjusted_residuals(t, exp), 2).tolist()
        whole: list[list[int]] = t.astype(int).tolist()
        counts: list[list[int | None]] = [list(r) for r in whole]
        why = table_reasons(whole, [[n_tellers(who, r & has[j]) for j in keep] for r in rows],
                            data.min_cell, hide_rows=small)
        hide = [[w is not None for w in wr] for wr in why]
        if any(any(h) for h in hide):
            counts = [[None if h else c for c, h in zip(cr, hr, strict=True)]
                      for cr, hr in zip(counts, hide, strict=True)]
            res = [[None if h else c for c, h in zip(cr, hr, strict=True)]
                   for cr, hr in zip(res, hide, strict=True)]
        else:
            hide, why = [], []
        out.append(Heatmap(variable=q.id, label=q.text,
                           rows=[str(p.title) for p in data.patterns],
                           numbers=[int(p.number) for p in data.patterns],
                           cols=[opts[j] for j in keep], counts=counts, residuals=res,
                           suppressed=hide, why=why))
    return out


def save_report(db: Store, report: ExploreReport) -> int:
    """Store the report's observations for its run (``pni packet`` prints them)."""
    from pni.store.observations import save_observations

    obs = [o.model_dump(include={"rank", "lens", "kind", "text", "numbers", "story_ids",
                                 "interpretations", "q", "effect", "effect_name"})
           for o in report.observations]
    return save_observations(db, report.run["id"] if report.run else None, obs,
                             params=report.params, n_stories=report.n_stories,
                             n_tests=len(report.tests))

