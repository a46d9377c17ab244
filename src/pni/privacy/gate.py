"""The one gate every output passes: consent, redaction and the small-cell rule of the project's
policy (``pni.toml`` beside the store), applied in one place.

Reports, packets, exports and every command that prints story text or counts take what they
show from a ``Gate``: its ``stories`` are the ones that may be printed (consent "no" never,
"unknown" only where the policy or the caller includes it), already redacted; its
``distribution`` and ``table`` apply the small-cell threshold, which has no default that turns
it off (it is the project's ``min_cell``). No output module reads stories from the store, builds
a redactor or filters consent itself: ``tests/privacy/test_gate.py`` fails when one does, and
runs every registered command and renderer through the privacy probe.

>>> from pni.store import Store
>>> with Store.open(":memory:") as db:
...     gate = Gate.open(db)
...     (gate.min_cell, gate.redact("Call (617) 555-0143."), len(gate.stories().stories))
(5, 'Call [phone].', 0)
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pni.privacy import ConsentResult, Redactor, filter_consent
from pni.privacy.cells import (
    Distribution,
    cells_note,
    protect_distribution,
    small_cell_note,
    table_reasons,
)

if TYPE_CHECKING:
    from pni.models import Story
    from pni.privacy.mix import Mixes, Why
    from pni.settings import Settings
    from pni.store import Store
    from pni.store.records import Pattern

#: Every command of the CLI that prints or writes something, and how the gate covers it:
#: "probe" (the privacy probe runs it and scans what it wrote), or why it shows no story text,
#: no name and no count of tellers grouped by their answers. ``tests/privacy/test_gate.py``
#: fails when a command is missing here.
OUTPUTS: dict[str, str] = {
    "prepare": "probe", "explore": "probe", "packet": "probe", "stories list": "probe",
    "stories show": "probe", "stories export": "probe", "patterns show": "probe",
    "patterns list": "probe", "patterns tree": "probe", "patterns assignments": "probe",
    "export narrafirma": "probe", "export qdpx": "probe", "cluster": "probe",
    "status": "probe", "return": "probe", "compare": "probe", "curate init": "probe", "curate show": "probe",
    "curate export": "probe",
    "curate propose": "prints names made of words from the catalyst's interpretations and the"
                      " ids they group; no story text or counts",
    "curate import": "reads a NarraFirma CSV into catalysis.yaml; prints how many observations,"
                     " perspectives and themes it read",
    "collect": "prints counts of records read per file and the rejects' places, no story text",
    "imports list": "prints files and record counts, no story text",
    "imports remove": "removes an import; prints how many stories went",
    "runs list": "prints run ids, sizes and settings",
    "runs show": "prints a run's settings and pattern count",
    "record": "reads outcomes in; prints how many were stored",
    "annotate": "reads a spreadsheet of codes in; prints how many were stored",
    "store copy": "copies a store to another; prints table names, row counts and hashes, no"
                  " story text",
    "store policy": "prints the privacy policy's settings and where each comes from; no story"
                    " text, names or counts",
    "embed": "fills the vector cache; prints how many stories were embedded, no story text",
}


def _withhold(s: Story) -> Story:
    """A story as a listing may show it when its consent does not allow printing it: who,
    where and when, no text, title, prompt or answers."""
    return s.model_copy(update={"text": "", "title": None, "prompt": None, "answers": {},
                                "teller_answers": {}})


@dataclass
class Release:
    """Stories as they may leave the store: consent-filtered and redacted, with what was held
    back and why."""

    stories: list[Story]
    consent: ConsentResult
    withheld_no: int = 0
    included_no: int = 0
    #: how many tellers said no (a story without a teller counts as one): fewer than the
    #: threshold and the count of their stories is not printed
    no_tellers: int = 0

    def summary(self) -> str:
        if self.included_no:
            return (f"Includes {self.included_no} stories whose tellers said NO to sharing "
                    "(asked for): do not pass this on.")
        return self.consent.summary()


@dataclass
class Gate:
    """The project's disclosure policy, bound to one store. Build it with ``Gate.open``."""

    db: Store
    settings: Settings
    redactor: Redactor
    include_unknown: bool
    min_cell: int
    notes: list[str] = field(default_factory=list)

    @classmethod
    def open(cls, db: Store, settings: Settings | None = None, *,
             names_file: str | Path | None = None, redact: bool = True,
             include_unknown: bool | None = None, extra_names: Sequence[str] = ()) -> Gate:
        """The gate of ``db`` under its ``pni.toml`` (or ``settings``). ``redact=False`` and
        ``include_unknown=True`` are a caller's explicit choice, said in ``notes``; the
        small-cell threshold is always the policy's."""
        from pni.privacy.policy import project_redactor, project_settings, redaction_note

        s = project_settings(db, settings)
        red = project_redactor(db, s, names_file=names_file, enabled=redact,
                               extra_names=extra_names)
        unknown = s.include_unknown_consent if include_unknown is None else include_unknown
        return cls(db=db, settings=s, redactor=red, include_unknown=unknown,
                   min_cell=max(1, int(s.min_cell)),
                   notes=[redaction_note(red, s), small_cell_note(s.min_cell)])

    # -- text -------------------------------------------------------------------------------
    def redact(self, text: str | None) -> str | None:
        """``text`` with names, e-mail addresses, phone numbers and web addresses replaced."""
        return self.redactor.redact(text)

    def redact_story(self, s: Story) -> Story:
        return self.redactor.redact_story(s)

    # -- stories ------------------------------------------------------------------------------
    def stories(self, *, ids: Iterable[str] | None = None, collection: str | None = None,
                source_kind: str | None = None, consent: str | None = None,
                limit: int | None = None, with_answers: bool = True,
                include_no: bool = False, masked: bool = False,
                composite: bool = False) -> Release:
        """The stories that may be printed, redacted. ``include_no=True`` (an export's explicit
        ``--all``) also releases stories whose tellers said no, and says so; ``masked=True``
        lists the others too, with their text, title, prompt and answers withheld (a listing
        of what the store holds). Composite stories (written by sensemaking groups) come by id,
        by ``source_kind="composite"`` or with ``composite=True``."""
        from pni.store.stories import list_stories

        every = list_stories(self.db, ids=None if ids is None else list(ids),
                             collection=collection, source_kind=source_kind, consent=consent,
                             with_answers=with_answers, composite=composite)
        no = [s for s in every if s.consent == "no"]
        kept = filter_consent([s for s in every if s.consent != "no"],
                              include_unknown=self.include_unknown or include_no)
        kept.excluded_no = 0 if include_no else len(no)
        printable = {s.id for s in kept.kept}
        if include_no:
            chosen = list(every)
        elif masked:
            chosen = [s if s.id in printable else _withhold(s) for s in every]
        else:
            chosen = list(kept.kept)
        if limit is not None:
            chosen = chosen[:limit]
        return Release(stories=[self.redact_story(s) for s in chosen], consent=kept,
                       withheld_no=0 if include_no else len(no),
                       included_no=len(no) if include_no else 0,
                       no_tellers=len({s.teller_id or s.id for s in no}))

    def withheld_summary(self, release: Release) -> str:
        """One line on what was held back, with the count of consent-no stories left out
        when fewer tellers than the threshold said no."""
        if not release.included_no and self.withheld_no_text(release) is None:
            unknown = release.consent.excluded_unknown
            return (f"Stories of fewer than {self.min_cell} tellers who said no to sharing are "
                    "withheld" + (f"; {unknown} with unrecorded consent too." if unknown
                                  else "."))
        return release.summary()

    def withheld_no_text(self, release: Release) -> str | None:
        """How many stories were held back because their tellers said no, as it may be
        printed: the count, or None when it comes from fewer tellers than the threshold."""
        if 0 < release.no_tellers < self.min_cell:
            return None
        return str(release.withheld_no)

    def story(self, ref: str) -> tuple[Story, str | None]:
        """One story by card code (any case), id or source id: redacted, and with its text
        withheld (and why) when its consent does not allow printing it."""
        from pni.errors import NotFoundError
        from pni.store.codes import story_for_code
        from pni.store.stories import get_story

        try:
            raw = get_story(self.db, ref)
        except NotFoundError:
            sid = story_for_code(self.db, ref)
            if sid is None:
                raise
            raw = get_story(self.db, sid)
        s = self.redact_story(raw)
        if s.consent == "yes" or (s.consent != "no" and self.include_unknown):
            return s, None
        why = ("its teller said no to sharing" if s.consent == "no" else
               "its consent is not recorded (include_unknown_consent in pni.toml to print it)")
        return _withhold(s), why

    def codes(self, ids: Iterable[str] | None = None) -> dict[str, str]:
        """Story id -> card code (``K12``), the one identifier every output prints."""
        from pni.store.codes import story_codes

        return story_codes(self.db, ids)

    def made_from(self, ids: Iterable[str]) -> dict[str, list[str]]:
        """Composite story id -> the codes of the cards it was made from, in the group's order."""
        from pni.store.composites import sources_of

        links = sources_of(self.db, ids)
        codes = self.codes({c for cards in links.values() for c in cards})
        return {sid: [codes.get(c, c) for c in cards] for sid, cards in links.items()}

    # -- counts -------------------------------------------------------------------------------
    def distribution(self, groups: Mapping[str, tuple[int, int | Collection[str]]],
                     no_answer: tuple[int, int | Collection[str]], **kw: Any) -> Distribution:
        """A one-way table under the threshold (``pni.privacy.cells.protect_distribution``)."""
        return protect_distribution(groups, no_answer, self.min_cell, **kw)

    def table(self, counts: Sequence[Sequence[float]], tellers: Sequence[Sequence[int]], *,
              hide_rows: Sequence[bool] = ()) -> list[list[str | None]]:
        """Why each cell of a cross-table is hidden (``pni.privacy.cells.table_reasons``)."""
        return table_reasons(counts, tellers, self.min_cell, hide_rows=hide_rows)

    def cells_note(self, reasons: Collection[str | None]) -> str:
        return cells_note(self.min_cell, reasons)

    def mixes(self, run_id: int) -> tuple[Mixes, Why]:
        """Every pattern's teller mix of a run, and why each hidden cell is hidden
        (``pni.privacy.mix.mixes_of_run``)."""
        from pni.privacy.mix import mixes_of_run

        return mixes_of_run(self.db, run_id, self.min_cell)

    def card_withheld(self, stories: Sequence[Story], questions: Sequence[str]) -> dict[str,
                                                                                    set[str]]:
        """For each story, the teller answers (of ``questions``) its card may not print: as long
        as the answers printed together are shared by fewer than ``min_cell`` tellers of the
        store, the rarest of them is withheld (k-anonymity by suppression), so that no card
        singles out the one coach, or the one K-2 parent of a small school."""
        from pni.store.stories import list_stories

        if self.min_cell <= 1 or not questions:
            return {}
        everyone = list_stories(self.db)
        cache: dict[tuple[str, ...], dict[tuple[str, ...], set[str]]] = {}

        def value(s: Story, q: str) -> str | None:
            v = (s.teller_answers or {}).get(q)
            if isinstance(v, list):
                v = ", ".join(map(str, v))
            return None if v in (None, "") else str(v)

        def held(qs: tuple[str, ...], s: Story) -> int:
            if qs not in cache:
                table: dict[tuple[str, ...], set[str]] = {}
                for o in everyone:
                    key = tuple(value(o, q) or "" for q in qs)
                    table.setdefault(key, set()).add(o.teller_id or o.id)
                cache[qs] = table
            return len(cache[qs].get(tuple(value(s, q) or "" for q in qs), ()))

        out: dict[str, set[str]] = {}
        for s in stories:
            shown = tuple(q for q in questions if value(s, q) is not None)
            dropped: set[str] = set()
            while shown and held(shown, s) < self.min_cell:
                rarest = min(shown, key=lambda q: (held((q,), s), q))
                dropped.add(rarest)
                shown = tuple(q for q in shown if q != rarest)
            if dropped:
                out[s.id] = dropped
        return out

    def run_tables(self, run_id: int) -> list[tuple[str, Distribution]]:
        """Stories of a run per teller group, collection and source kind, each a protected
        one-way table (``pni.privacy.mix.run_tables``)."""
        from pni.privacy.mix import run_tables

        return run_tables(self.db, run_id, self.min_cell)

    def patterns(self, patterns: Sequence[Pattern]) -> list[dict[str, Any]]:
        """Patterns as they may be printed (dicts, without centroids): titles and keywords
        redacted, teller mixes under the threshold (``pni.privacy.mix.safe_patterns``)."""
        from pni.privacy.mix import safe_patterns

        return [{**p, "title": self.redact(p["title"]),
                 "keywords": [self.redact(k) for k in p["keywords"]]}
                for p in safe_patterns(self.db, patterns, self.min_cell)]
