"""Which format a file is, judged by its extension and its first bytes; and decoding text files
(UTF-8, UTF-8 with BOM, UTF-16 with BOM, else cp1252 with a notice)."""

from __future__ import annotations

from pathlib import Path

from pni.errors import DataError

EXTENSIONS: dict[str, str] = {
    ".csv": "csv", ".tsv": "tsv", ".tab": "tsv",
    ".xlsx": "xlsx", ".xlsm": "xlsx",
    ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".md": "markdown", ".markdown": "markdown",
    ".txt": "text", ".text": "text",
    ".docx": "docx", ".vtt": "vtt", ".srt": "srt",
}
ZIP_FORMATS = {"xlsx", "docx"}
OLD_OFFICE = {".xls": "save it as .xlsx", ".doc": "save it as .docx", ".rtf": "save it as .docx"}
SNIFF_BYTES = 8192


def supported(path: Path) -> bool:
    return path.suffix.lower() in EXTENSIONS


def detect_format(path: Path, head: bytes | None = None) -> str:
    """The reader name for ``path``; raises ``DataError`` for binary or unsupported files."""
    if head is None:
        with open(path, "rb") as fh:
            head = fh.read(SNIFF_BYTES)
    ext = path.suffix.lower()
    if ext in OLD_OFFICE:
        raise DataError(f"{ext} files cannot be read: {OLD_OFFICE[ext]}", file=path)
    fmt = EXTENSIONS.get(ext)
    if fmt is None:
        raise DataError(
            f"unsupported file type {ext or '(no extension)'}; pni reads "
            + ", ".join(sorted(set(EXTENSIONS))), file=path)
    if not head.strip():
        raise DataError("the file is empty", file=path)
    is_zip = head.startswith(b"PK\x03\x04")
    if fmt in ZIP_FORMATS:
        if not is_zip:
            raise DataError(f"not a {fmt.upper()} file (it is not a zip archive)", file=path)
        return fmt
    if is_zip or looks_binary(head):
        raise DataError(f"looks like a binary file, not {fmt} text", file=path)
    text_head = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if fmt == "text" and text_head.startswith(b"WEBVTT"):
        return "vtt"
    return fmt


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
