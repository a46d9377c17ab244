"""Which format a file is, judged by its extension and its first bytes; and decoding text files
(UTF-8, UTF-8 with BOM, UTF-16 with BOM, else cp1252 with a notice)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pni.errors import DataError

if TYPE_CHECKING:
    from pni.ingest.readers.base import Reader

OLD_OFFICE = {".xls": "save it as .xlsx", ".doc": "save it as .docx", ".rtf": "save it as .docx"}
SNIFF_BYTES = 8192


def supported(path: Path) -> bool:
    from pni.ingest.readers.base import extensions

    return path.suffix.lower() in extensions()


def detect_reader(path: Path, head: bytes | None = None) -> Reader:
    """The registered reader for ``path``: among those of its extension, the first (by priority)
    whose content sniff accepts the first bytes. Raises ``DataError`` for binary, empty or
    unsupported files."""
    from pni.ingest.readers.base import extensions, for_extension

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


def decode(data: bytes, path: Path) -> tuple[str, str | None]:
    """Text of a file and a notice when it was not plain UTF-8 (BOM, UTF-16 or cp1252 fallback)."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), None
        except UnicodeDecodeError as e:
            raise DataError(f"starts with a UTF-8 mark but byte {e.start} is not UTF-8",
                            file=path) from e
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "read as UTF-16"
        except UnicodeDecodeError as e:
            raise DataError(f"not valid UTF-16 at byte {e.start}", file=path) from e
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as e:
        first_bad = e.start
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as e:
        raise DataError(
            f"cannot decode: not UTF-8 (byte {first_bad}) and not cp1252 (byte {e.start});"
            " save it as UTF-8", file=path) from e
    line = data.count(b"\n", 0, first_bad) + 1
    return text, f"not UTF-8 (first bad byte on line {line}): read as cp1252 (Windows-1252)"


def read_text(path: Path) -> tuple[str, str | None]:
    with open(path, "rb") as fh:
        data = fh.read()
    text, notice = decode(data, path)
    return text.replace("\r\n", "\n").replace("\r", "\n"), notice
