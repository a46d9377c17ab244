"""The reader protocol and the registry of readers.

A reader turns one file into candidate stories with provenance. It says which file name endings
it reads (``extensions``), may claim a file by its first bytes (``sniff``), and ``read``s it into
a :class:`ReadResult`. Every module in :mod:`pni.ingest.readers` is imported on first use and
registers its readers with :func:`register`, so a new format is one module in that folder::

    from pni.ingest.readers.base import ReadContext, ReadResult, register

    class Stata:
        name = "stata"
        extensions = (".dta",)
        container = "binary"
        priority = 0
        forms_beside = True

        def sniff(self, head: bytes, ext: str) -> bool:
            return head[:1] == b"<"

        def read(self, ctx: ReadContext) -> ReadResult: ...

    register(Stata())

Survey platforms (Qualtrics, Google Forms...) are a second kind of plug-in: a
:class:`Platform` recognises a table by its header rows and says which columns are metadata,
which hold the story, the teller... (see :mod:`pni.ingest.readers.platforms`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

from pni.registry import Registry

if TYPE_CHECKING:
    from pni.ingest.forms import Form
    from pni.ingest.models import (
        Candidate,
        CollectOptions,
        FileSettings,
        InferredQuestion,
        Skipped,
    )
    from pni.models import Question


@dataclass
class Row:
    """One data row of a table: where it is, its cells, the raw record, and why it was refused."""

    locator: str
    cells: list[Any]
    raw: str
    error: str | None = None


@dataclass
class Table:
    """A table as a table reader reads it (one CSV, one XLSX sheet...); platforms adapt it."""

    header: list[str]
    rows: list[Row]
    sheet: str | None = None
    notices: list[str] = field(default_factory=list)
    raw_header: list[str] = field(default_factory=list)  # as written: blank, repeated


@dataclass
class Document:
    """A document as a document reader reads it: front matter and numbered body lines (or
    paragraphs); :mod:`pni.ingest.documents` turns it into candidates."""

    meta: dict[str, Any]
    lines: list[tuple[int, str]]
    unit: str = "line"
    notices: list[str] = field(default_factory=list)


@dataclass
class ReadContext:
    """What a reader may use: the file, how it is named in the store, the settings merged from
    options and folder manifests, the form, manifest metadata and the questions already known."""

    path: Path
    label: str
    settings: FileSettings
    form: Form | None
    meta: dict[str, Any]
    known: dict[str, Question]
    options: CollectOptions


@dataclass
class ReadResult:
    """What a reader yields: candidates (each with its locator and raw record: its provenance),
    the questions their answers use, the kinds inferred, notices and the default source kind."""

    candidates: list[Candidate] = field(default_factory=list)
    questions: dict[str, Question] = field(default_factory=dict)
    inferred: list[InferredQuestion] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    kind: str = "other"
    platform: str | None = None
    skipped: list[Skipped] = field(default_factory=list)  # parts of a container not collected


@runtime_checkable
class Reader(Protocol):
    """One file format. ``container`` is ``"text"`` (checked to be text), ``"zip"`` (checked to be
    a zip archive) or ``"binary"`` (not checked). Among the readers of an extension, the one of
    highest ``priority`` whose ``sniff`` accepts the first bytes reads the file."""

    name: str
    extensions: tuple[str, ...]
    container: Literal["text", "zip", "binary"]
    priority: int
    forms_beside: bool  # look for form.toml beside the file

    def sniff(self, head: bytes, ext: str) -> bool: ...

    def read(self, ctx: ReadContext) -> ReadResult: ...


@dataclass
class Adapted:
    """A table as a platform reads it: the data rows left after its header rows, and which
    columns mean what. Indices refer to ``table.header``."""

    table: Table
    fields: dict[str, int] = field(default_factory=dict)      # map key -> column
    metadata: list[int] = field(default_factory=list)          # provenance, never answers
    personal: list[int] = field(default_factory=list)          # names, e-mails: teller only
    question_texts: dict[int, str] = field(default_factory=dict)
    group_options: dict[str, list[str]] = field(default_factory=dict)
    teller_columns: list[int] = field(default_factory=list)
    text_candidates: list[int] = field(default_factory=list)   # free-text questions: text
    no_lists: list[int] = field(default_factory=list)          # one answer a cell: never split
    ignored: list[int] = field(default_factory=list)           # read into another column
    form: Form | None = None
    kind: str = "story-form"
    notices: list[str] = field(default_factory=list)
    taken: list[str] = field(default_factory=list)             # "story text from column X"


@runtime_checkable
class Platform(Protocol):
    """A survey platform's export layout, recognised from a table's header (and first rows)."""

    name: str
    label: str

    def sniff(self, table: Table) -> bool: ...

    def adapt(self, table: Table, ctx: ReadContext) -> Adapted: ...


READERS: Registry[Reader] = Registry("pni.ingest.readers")
PLATFORMS: Registry[Platform] = Registry("pni.ingest.readers")


def register(reader: Reader) -> Reader:
    """Add a reader (replacing one of the same name); returns it."""
    return READERS.register(reader)


def register_platform(platform: Platform) -> Platform:
    return PLATFORMS.register(platform)


def readers() -> list[Reader]:
    """Every registered reader, highest priority first."""
    return sorted(READERS.all().values(), key=lambda r: (-r.priority, r.name))


def get(name: str) -> Reader:
    return READERS.all()[name]


def platforms() -> list[Platform]:
    return sorted(PLATFORMS.all().values(), key=lambda p: p.name)


def platform(name: str) -> Platform | None:
    """A platform by name (case and spaces ignored)."""
    key = name.strip().casefold().replace(" ", "").replace("-", "").replace("_", "")
    for p in PLATFORMS.all().values():
        if p.name.replace("-", "") == key:
            return p
    return None


def extensions() -> set[str]:
    """Every file name ending some reader reads."""
    return {e for r in readers() for e in r.extensions}


def for_extension(ext: str) -> list[Reader]:
    return [r for r in readers() if ext in r.extensions]
