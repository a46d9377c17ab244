"""Stage models for ingest: what a reader yields (``Candidate``), the options of a collect and
the report it returns (``CollectReport``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from pni.models import Question, Reject

MAP_KEYS = ("text", "id", "teller", "prompt", "title", "date", "consent", "language")


@dataclass
class Candidate:
    """One record a reader found: a would-be story, before validation and deduplication.

    ``answers`` are keyed by question id (already coerced); ``error`` marks a record the reader
    already knows is bad (a ragged row, a JSON line that does not parse): it becomes a reject.
    ``names`` are the people's names the reader met in this record (a transcript's teller,
    listener and other speakers), kept so that redaction knows them.
    """

    locator: str
    raw: str
    text: str | None = None
    sheet: str | None = None
    source_id: str | None = None
    teller: str | None = None
    prompt: str | None = None
    title: str | None = None
    date: str | None = None
    consent: str | None = None
    language: str | None = None
    kind: str | None = None
    answers: dict[str, Any] = field(default_factory=dict)
    teller_answers: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    names: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)  # platform metadata: provenance only
    #: Answers that could not be read (place and reason): left out, the story kept and noticed.
    unread: list[str] = field(default_factory=list)
    record_key: str | None = None  # what makes this record itself (a row's cells, a response id)


@dataclass
class FileSettings:
    """Everything that decides how one file is read: options merged over folder manifests."""

    collection: str
    kind: str | None = None
    mapping: dict[str, str] = field(default_factory=dict)
    form: Path | None = None
    sheet: str | None = None
    split: bool = False
    listeners: list[str] = field(default_factory=list)
    language: str | None = None


class CollectOptions(BaseModel):
    """Options of one ``collect`` call (the CLI's flags; a folder's ``pni.yaml`` fills the gaps)."""

    model_config = ConfigDict(extra="forbid")

    collection: str | None = None
    kind: str | None = None
    mapping: dict[str, str] = Field(default_factory=dict)
    form: Path | None = None
    sheet: str | None = None
    split: bool = False
    listeners: list[str] = Field(default_factory=list)
    keep_names: bool = False
    dry_run: bool = False
    language: str | None = None
    platform: str | None = None
    encoding: str | None = None
    teller_questions: list[str] = Field(default_factory=list)
    consent_map: dict[str, str] = Field(default_factory=dict)  # value (casefolded) -> yes|no
    replace: bool = False


class InferredQuestion(BaseModel):
    """A question whose kind was guessed from the data, and why (printed so users can correct it)."""

    file: str
    column: str
    question: Question
    evidence: str


class Skipped(BaseModel):
    path: str
    reason: str


class FileReport(BaseModel):
    file: str
    format: str | None = None
    platform: str | None = None
    kind: str | None = None
    collection: str | None = None
    read: int = 0
    stored: int = 0
    duplicates: int = 0
    rejected: int = 0
    error: str | None = None
    notices: list[str] = Field(default_factory=list)
    import_id: int | None = None
    replaced: list[int] = Field(default_factory=list)  # earlier imports removed by --replace

    @property
    def balanced(self) -> bool:
        return self.read == self.stored + self.duplicates + self.rejected


class CollectReport(BaseModel):
    """What a collect did: per-file counts (read = stored + duplicates + rejected), the rejects,
    the inferred questions, files skipped and notices."""

    batch: str
    dry_run: bool = False
    files: list[FileReport] = Field(default_factory=list)
    skipped: list[Skipped] = Field(default_factory=list)
    rejects: list[Reject] = Field(default_factory=list)
    inferred: list[InferredQuestion] = Field(default_factory=list)
    notices: list[str] = Field(default_factory=list)

    @property
    def totals(self) -> dict[str, int]:
        keys = ("read", "stored", "duplicates", "rejected")
        out = {k: sum(getattr(f, k) for f in self.files) for k in keys}
        out["files"] = len(self.files)
        out["failed"] = sum(1 for f in self.files if f.error)
        return out

    @property
    def failed(self) -> list[FileReport]:
        return [f for f in self.files if f.error]

    def as_json(self) -> dict[str, Any]:
        d = self.model_dump(mode="json")
        d["totals"] = self.totals
        return d
