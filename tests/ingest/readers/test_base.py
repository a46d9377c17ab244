"""The reader registry: every format is a registered reader; a new one is one module."""

from __future__ import annotations

from pathlib import Path

import pytest

from pni.errors import DataError
from pni.ingest.collect import collect
from pni.ingest.detect import detect_format, detect_reader, supported
from pni.ingest.models import Candidate
from pni.ingest.readers import base
from pni.ingest.readers.base import ReadContext, Reader, ReadResult, register
from pni.store import Store
from pni.store import stories as q


def test_every_builtin_format_is_a_registered_reader() -> None:
    names = {r.name for r in base.readers()}
    assert {"csv", "tsv", "xlsx", "json", "jsonl", "markdown", "text", "docx", "vtt",
            "srt"} <= names
    for r in base.readers():
        assert isinstance(r, Reader), r.name
        assert r.extensions and all(e.startswith(".") for e in r.extensions)
    assert {".csv", ".tab", ".xlsm", ".ndjson", ".markdown", ".vtt"} <= base.extensions()


def test_content_sniff_picks_among_readers_of_one_extension(tmp_path: Path) -> None:
    vtt = tmp_path / "captions.txt"
    vtt.write_text("WEBVTT\n\n00:00.000 --> 00:01.000\nhello\n")
    plain = tmp_path / "plain.txt"
    plain.write_text("A story.\n")
    assert detect_format(vtt) == "vtt"
    assert detect_format(plain) == "text"


def test_unsupported_and_binary_files_are_refused_by_name(tmp_path: Path) -> None:
    odd = tmp_path / "a.pdf"
    odd.write_bytes(b"%PDF-1.4")
    with pytest.raises(DataError, match=r"unsupported file type \.pdf; pni reads .*\.csv"):
        detect_reader(odd)
    fake = tmp_path / "a.xlsx"
    fake.write_text("not a zip")
    with pytest.raises(DataError, match="not a XLSX file"):
        detect_reader(fake)
    assert not supported(odd)


class _Shouting:
    """A toy format: each line of a .shout file is one story."""

    name = "shout-test"
    extensions = (".shout",)
    container = "text"
    priority = 0
    forms_beside = False

    def sniff(self, head: bytes, ext: str) -> bool:
        return True

    def read(self, ctx: ReadContext) -> ReadResult:
        lines = ctx.path.read_text().splitlines()
        return ReadResult(
            candidates=[Candidate(locator=f"line {i}", raw=t, text=t.lower())
                        for i, t in enumerate(lines, 1)], kind="other")


def test_a_registered_reader_is_used_by_collect(store: Store, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(base.READERS, "items", dict(base.READERS.items))
    register(_Shouting())
    f = tmp_path / "x.shout"
    f.write_text("ONE STORY\nTWO STORY\n")
    rep = collect(store, [f])
    assert rep.files[0].format == "shout-test"
    assert (rep.files[0].read, rep.files[0].stored) == (2, 2)
    assert sorted(s.text for s in q.list_stories(store)) == ["one story", "two story"]
