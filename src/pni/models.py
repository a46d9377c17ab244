"""The data model of the foundation: what a story, a teller, a question and an answer are.

Stage-specific models (runs, patterns, observations, outcomes) live beside their stage.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SourceKind = Literal["empathy-interview", "kiva-panel", "story-form", "reflection", "other",
                     "composite"]
#: how raw stories are gathered (what `pni collect --kind` takes)
SOURCE_KINDS: tuple[str, ...] = ("empathy-interview", "kiva-panel", "story-form", "reflection", "other")
#: a story a sensemaking group wrote from its cards (`pni record`): stored and printed with its
#: cards, never clustered, explored or printed as a card itself
COMPOSITE = "composite"
STORY_KINDS: tuple[str, ...] = (*SOURCE_KINDS, COMPOSITE)
Consent = Literal["yes", "no", "unknown"]
QuestionKind = Literal["choice", "multi-choice", "scale", "boolean", "text"]
QUESTION_KINDS: tuple[str, ...] = ("choice", "multi-choice", "scale", "boolean", "text")
About = Literal["story", "teller", "annotation"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Collection(_Model):
    id: int | None = None
    name: str
    description: str | None = None


class Teller(_Model):
    """A teller, known by a stable pseudonymous id. ``name`` is kept only with ``--keep-names``."""

    id: str
    name: str | None = None


class Question(_Model):
    id: str
    text: str
    kind: QuestionKind = "text"
    about: About = "story"
    options: list[str] = Field(default_factory=list)
    scale_min: float | None = None
    scale_max: float | None = None
    labels: list[str] = Field(default_factory=list)
    inferred: bool = False
    #: the short name the source gave (NarraFirma's "short name"): what observations call it
    short: str | None = None


class Provenance(_Model):
    """Where a story came from: the file and the place in it."""

    file: str
    sheet: str | None = None
    locator: str | None = None  # "row 12", "line 40", "turn 7", "cue 3"
    meta: dict[str, Any] | None = None  # platform metadata (IP, times...): stored, never shown


class Story(_Model):
    id: str
    text: str
    title: str | None = None
    prompt: str | None = None
    source_kind: SourceKind = "other"
    source_id: str | None = None
    collection: str | None = None
    teller_id: str | None = None
    date: str | None = None
    language: str | None = None
    consent: Consent = "unknown"
    content_hash: str
    provenance: Provenance | None = None
    answers: dict[str, Any] = Field(default_factory=dict)
    teller_answers: dict[str, Any] = Field(default_factory=dict)


class Answer(_Model):
    question_id: str
    value: Any
    story_id: str | None = None
    teller_id: str | None = None


class ImportRecord(_Model):
    id: int | None = None
    batch: str
    file: str
    kind: Literal["collect", "annotate"] = "collect"
    started_at: datetime | None = None
    finished_at: datetime | None = None
    options: dict[str, Any] = Field(default_factory=dict)
    read: int = 0
    stored: int = 0
    duplicates: int = 0
    rejected: int = 0
    dry_run: bool = False


class Reject(_Model):
    file: str
    locator: str | None = None
    reason: str
    raw: str | None = None
    import_id: int | None = None
