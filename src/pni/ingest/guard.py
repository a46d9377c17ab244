"""The boundary around every reader: whatever a reader or its library raises on a damaged file
becomes a ``DataError`` naming the file, and the failure is recorded like a row reject (an
``imports`` row that read nothing plus a ``rejects`` row with the place and the reason), so one
bad file never stops a collect and is never forgotten.

>>> from pathlib import Path
>>> try:
...     with reader_boundary(Path("a.json")):
...         raise RecursionError("maximum recursion depth exceeded")
... except DataError as e:
...     print(e)
a.json: nested too deeply to read (more than 100 levels)
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError
from xml.parsers.expat import ExpatError

from pni.errors import DataError, PniError
from pni.limits import MAX_NESTING
from pni.models import ImportRecord, Reject

# What libraries raise on damaged input (as opposed to a bug in pni): reported against the file.
INPUT_ERRORS: tuple[type[BaseException], ...] = (
    ValueError, OverflowError, IndexError, KeyError, EOFError, zipfile.BadZipFile,
    zipfile.LargeZipFile, zlib.error, ParseError, ExpatError,
)
BUG_NOTE = "this looks like a bug in pni: please report it"


@contextmanager
def reader_boundary(file: Path) -> Iterator[None]:
    """Run one reader. Library exceptions from damaged input become ``DataError`` for ``file``;
    anything else still becomes one (the collect must go on) but says it looks like a bug."""
    try:
        yield
    except (PniError, OSError):
        raise
    except RecursionError as e:
        raise DataError(f"nested too deeply to read (more than {MAX_NESTING} levels)",
                        file=file) from e
    except MemoryError as e:
        raise DataError("too large to read into memory", file=file) from e
    except UnicodeError as e:
        raise DataError(f"not valid text: {e}", file=file) from e
    except INPUT_ERRORS as e:
        raise DataError(f"cannot be read: {_name(e)}: {e}", file=file) from e
    except Exception as e:
        if type(e).__module__.split(".")[0] in ("lxml", "openpyxl", "docx", "webvtt", "srt"):
            raise DataError(f"cannot be read: {_name(e)}: {e}", file=file) from e
        raise DataError(f"cannot be read: {_name(e)}: {e} ({BUG_NOTE})", file=file) from e


def _name(e: BaseException) -> str:
    return type(e).__name__


def failure_reject(e: BaseException, file: Path, label: str) -> Reject:
    """The reject row for a file that could not be read as a whole."""
    if isinstance(e, PniError):
        own = e.file is not None and _same(e.file, file)
        reason = e.message if own or e.file is None else str(e)
        return Reject(file=label, locator=e.locator if own else None, reason=reason)
    if isinstance(e, OSError):
        return Reject(file=label, locator=None, reason=str(e.strerror or e))
    return Reject(file=label, locator=None, reason=f"{_name(e)}: {e}")


def _same(a: str, b: Path) -> bool:
    try:
        return Path(a).resolve() == b.resolve()
    except OSError:
        return Path(a) == b


def record_failure(db: Any, reject: Reject, batch: str, options: dict[str, Any],
                   dry_run: bool) -> int | None:
    """Store a failed file like a row reject: an import that read nothing, and its reject."""
    from pni.store import stories as q

    if dry_run:
        return None
    with db.transaction():
        import_id = q.start_import(db, ImportRecord(batch=batch, file=reject.file,
                                                    options={**options, "failed": True}))
        reject.import_id = import_id
        q.add_rejects_many(db, [reject])
        q.finish_import(db, import_id, read=0, stored=0, duplicates=0, rejected=0)
    return import_id
