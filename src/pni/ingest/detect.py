"""Which reader reads a file, judged by its extension and its first bytes; and decoding text files
(UTF-8, UTF-8 with BOM, UTF-16 with BOM, ``--encoding``, else the encoding charset-normalizer
detects on the whole file, with a notice)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from pni.errors import DataError
from pni.ingest.readers.base import Reader, extensions, for_extension

OLD_OFFICE = {".xls": "save it as .xlsx", ".doc": "save it as .docx", ".rtf": "save it as .docx"}
SNIFF_BYTES = 8192
MIN_DETECT_BYTES = 16  # fewer non-ASCII bytes than this: too little to detect an encoding
_FORCED: ContextVar[str | None] = ContextVar("pni_forced_encoding", default=None)


def supported(path: Path) -> bool:
    return path.suffix.lower() in extensions()


def detect_reader(path: Path, head: bytes | None = None) -> Reader:
    """The registered reader for ``path``: among those of its extension, the first (by priority)
    whose content sniff accepts the first bytes. Raises ``DataError`` for binary, empty or
    unsupported files."""
    if head is None:
        with open(path, "rb") as fh:
            head = fh.read(SNIFF_BYTES)
    ext = path.suffix.lower()
    if ext in OLD_OFFICE:
        raise DataError(f"{ext} files cannot be read: {OLD_OFFICE[ext]}", file=path)
    candidates = for_extension(ext)
    if not candidates:
        raise DataError(
            f"unsupported file type {ext or '(no extension)'}; pni reads "
            + ", ".join(sorted(extensions())), file=path)
    if not head.strip():
        raise DataError("the file is empty", file=path)
    is_zip = head.startswith(b"PK\x03\x04")
    fits = [r for r in candidates
            if (r.container == "zip") == is_zip or r.container == "binary"]
    if not fits:
        r = candidates[0]
        if r.container == "zip":
            raise DataError(f"not a {r.name.upper()} file (it is not a zip archive)", file=path)
        raise DataError(f"looks like a binary file, not {r.name} text", file=path)
    if all(r.container == "text" for r in fits) and looks_binary(head):
        raise DataError(f"looks like a binary file, not {fits[0].name} text", file=path)
    for r in fits:
        if r.sniff(head, ext):
            return r
    raise DataError(f"no reader recognises this {ext} file", file=path)


def detect_format(path: Path, head: bytes | None = None) -> str:
    """The name of the reader for ``path`` (see :func:`detect_reader`)."""
    return detect_reader(path, head).name


def looks_binary(head: bytes) -> bool:
    """NUL bytes (outside UTF-16) or many control characters mean the file is not text."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    if b"\x00" in head:
        return True
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return control > max(8, len(head) // 20)


@contextmanager
def forced_encoding(name: str | None) -> Iterator[None]:
    """Within this block, text files are decoded as ``name`` (``--encoding``) instead of
    detected."""
    token = _FORCED.set(name)
    try:
        yield
    finally:
        _FORCED.reset(token)


def _bad_lines(text: str) -> str:
    lines = [n for n, line in enumerate(text.split("\n"), 1) if "\ufffd" in line]
    shown = ", ".join(map(str, lines[:8])) + (" ..." if len(lines) > 8 else "")
    return f"{len(lines)} line(s) needed replacement characters (line {shown})"


def decode(data: bytes, path: Path, encoding: str | None = None) -> tuple[str, str | None]:
    """Text of a file and a notice when it was not plain UTF-8. A forced encoding
    (``--encoding``) decodes as told; a UTF-8 or UTF-16 mark is obeyed; valid UTF-8 is taken as
    it is; anything else is decoded by the encoding charset-normalizer finds for the whole file
    (cp1252 when it finds none), and lines that needed replacement characters are named."""
    encoding = encoding or _FORCED.get()
    if encoding:
        text = data.decode(encoding, errors="replace").lstrip("\ufeff")
        bad = "; " + _bad_lines(text) if "\ufffd" in text else ""
        return text, f"read as {encoding} (--encoding){bad}"
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), None
        except UnicodeDecodeError as e:
            raise DataError(f"starts with a UTF-8 mark but byte {e.start} is not UTF-8;"
                            " give the encoding with --encoding NAME", file=path) from e
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "read as UTF-16"
        except UnicodeDecodeError as e:
            raise DataError(f"not valid UTF-16 at byte {e.start}", file=path) from e
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as e:
        first_bad = e.start
    line = data.count(b"\n", 0, first_bad) + 1
    name = _detect(data)
    if name is None:
        raise DataError(f"not UTF-8 (byte {first_bad}, line {line}) and its encoding cannot be"
                        " told; give it with --encoding NAME (e.g. cp1252, cp1251) or save the"
                        " file as UTF-8", file=path)
    text = data.decode(name, errors="replace")
    bad = "; " + _bad_lines(text) if "\ufffd" in text else ""
    return text, (f"not UTF-8 (first bad byte on line {line}): read as {name} (detected);"
                  f" if the letters look wrong, give --encoding NAME{bad}")


def _detect(data: bytes) -> str | None:
    """The encoding of non-UTF-8 bytes, judged on the whole file. When the detector's choice
    reads as Latin letters anyway (on short texts it often says cp775 or cp1250), Windows-1252
    is kept: Cyrillic, Greek and other scripts keep the detector's choice (cp1251, cp1253...)."""
    import unicodedata

    from charset_normalizer import from_bytes

    if sum(1 for b in data if b > 127) < MIN_DETECT_BYTES:
        try:  # too little text for a detector: Windows-1252 or nothing
            data.decode("cp1252")
            return "cp1252"
        except UnicodeDecodeError:
            return None
    best = from_bytes(data).best()
    if best is None:
        return None
    letters = {ch for ch in str(best) if ord(ch) > 127 and ch.isalpha()}
    if all(unicodedata.name(ch, "").startswith("LATIN") for ch in letters):
        try:
            data.decode("cp1252")
            return "cp1252"
        except UnicodeDecodeError:
            pass
    return str(best.encoding)


def read_text(path: Path) -> tuple[str, str | None]:
    with open(path, "rb") as fh:
        data = fh.read()
    text, notice = decode(data, path)
    return text.replace("\r\n", "\n").replace("\r", "\n"), notice
