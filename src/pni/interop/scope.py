"""What an export may carry: the stories whose consent allows it (redacted), their questions, the
patterns of a cluster run, observations and outcomes; and the policy in words for the file.

Consent, as for packets: stories whose tellers said "no" are left out unless ``all_stories``
(``--all``), which the exported project states; consent "unknown" only with
``include_unknown`` or the project's ``include_unknown_consent`` (pni.toml). Redaction, as
for every output: the project's policy (``pni.privacy.policy``) in every text that leaves the
store. All of it through the project's gate (``pni.privacy.gate``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from pni.models import Question, Story
from pni.privacy import Redactor
from pni.store import Store

if TYPE_CHECKING:
    from pni.privacy.gate import Gate
    from pni.store.records import Outcome, Pattern, StoredObservation

NO_PATTERN = "fits no pattern"


@dataclass
class ExportOptions:
    """Options shared by every interop export (the CLI's flags)."""

    run_id: int | None = None          # None: the latest run, if there is one
    collection: str | None = None
    include_unknown: bool = False
    all_stories: bool = False          # consent "no" too: stated in the export
    redact: bool = True
    names_file: Path | None = None


@dataclass
class Scope:
    """Everything an export writes, already filtered and redacted."""

    stories: list[Story]
    questions: list[Question]
    run_id: int | None = None
    #: the run's patterns, titles and keywords redacted, exemplars only those exported
    patterns: list[Pattern] = field(default_factory=list)
    #: pattern id -> the pattern whose code holds its code (a hierarchy of codes; none by
    #: default)
    parent_of: dict[int, int] = field(default_factory=dict)
    pattern_of: dict[str, int | None] = field(default_factory=dict)
    observations: list[StoredObservation] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    withheld_no: int = 0
    withheld_unknown: int = 0
    included_no: int = 0
    included_unknown: int = 0
    redacted: bool = True
    stale: str | None = None  # why the run's observations are left out (small-cell rule)

    def pattern_name(self, story_id: str) -> str | None:
        """The pattern of a story as named outside pni; ``NO_PATTERN`` for a story of the run
        that fits none, ``None`` for a story outside the run (or without a run)."""
        if story_id not in self.pattern_of:
            return None
        pid = self.pattern_of[story_id]
        by_id = {p.id: p for p in self.patterns}
        return by_id[pid].name if pid in by_id else NO_PATTERN

    def policy(self) -> list[str]:
        """The consent and redaction policy of this export, in sentences."""
        lines = [f"{len(self.stories)} stories exported by pni."]
        if self.included_no:
            lines.append(f"--all: includes {self.included_no} stories whose tellers said NO to"
                         " sharing. Do not pass this project on.")
        elif self.withheld_no:
            lines.append(f"{self.withheld_no} stories whose tellers said no to sharing are left"
                         " out.")
        if self.included_unknown:
            lines.append(f"Includes {self.included_unknown} stories without recorded consent.")
        elif self.withheld_unknown:
            lines.append(f"{self.withheld_unknown} stories without recorded consent are left out"
                         " (--include-unknown-consent to include them).")
        lines.append("Names, e-mail addresses and phone numbers are redacted." if self.redacted
                     else "Not redacted: names, e-mail addresses and phone numbers as told.")
        return [*lines, *([self.stale] if self.stale else [])]


def gate(db: Store, opts: ExportOptions) -> Gate:
    """The gate every interop export passes: the project's policy (``pni.privacy.gate``) with
    this export's choices (redaction, consent unknown)."""
    from pni.privacy.gate import Gate

    unknown = True if (opts.include_unknown or opts.all_stories) else None
    return Gate.open(db, names_file=opts.names_file, redact=opts.redact,
                     include_unknown=unknown)


def gather(db: Store, opts: ExportOptions) -> Scope:
    """The stories, questions, patterns, observations and outcomes an export may carry."""
    from pni.store import outcomes as outq
    from pni.store import runs as runq
    from pni.store import stories as storyq

    g = gate(db, opts)
    release = g.stories(collection=opts.collection, include_no=opts.all_stories)
    red = g.redactor
    stories = release.stories
    used = {k for s in stories for k in (*s.answers, *s.teller_answers)}
    questions = [q.model_copy(update={"text": red.redact(q.text) or q.text})
                 for q in storyq.get_questions(db) if q.id in used]
    scope = Scope(stories=stories, questions=questions, redacted=opts.redact,
                  withheld_no=release.withheld_no, included_no=release.included_no,
                  withheld_unknown=release.consent.excluded_unknown,
                  included_unknown=release.consent.included_unknown)
    ids = {s.id for s in stories}
    run_id = opts.run_id if opts.run_id is not None else runq.latest_run_id(db, kind=None)
    if run_id is not None:
        _add_run(db, scope, runq.resolve_run(db, run_id), ids, red, g.min_cell)
    pattern_ids = {p.id for p in scope.patterns}
    for o in outq.list_outcomes(db):
        scope.outcomes.append(replace(
            o, text=red.redact(o.text) or "", stories=[sid for sid in o.stories if sid in ids],
            patterns=[pid for pid in o.patterns if pid in pattern_ids]))
    return scope


def _add_run(db: Store, scope: Scope, run_id: int, ids: set[str], red: Redactor,
             min_cell: int) -> None:
    from pni.privacy.cells import stale_observations
    from pni.store import observations as obsq
    from pni.store import runs as runq

    scope.run_id = run_id
    ex = obsq.latest_exploration(db, run_id)
    if ex is not None:
        scope.stale = stale_observations(ex.params, min_cell)
    for p in runq.list_patterns(db, run_id):
        scope.patterns.append(replace(
            p, title=red.redact(p.title) or "", keywords=[red.redact(k) or "" for k in p.keywords],
            exemplars=[e for e in p.exemplars if e in ids]))
    scope.pattern_of = {a.story_id: a.pattern_id for a in runq.list_assignments(db, run_id)
                        if a.story_id in ids}
    for o in [] if scope.stale else obsq.list_observations(db, run_id):
        scope.observations.append(replace(
            o, text=red.redact(o.text) or "",
            interpretations=[red.redact(i) or "" for i in o.interpretations],
            story_ids=[sid for sid in o.story_ids if sid in ids]))
