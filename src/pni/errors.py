"""Domain errors. The library raises these; the CLI edge turns them into one line and an exit code.

Exit codes (documented in the README):
    1  data error: the input or the store holds something pni cannot use
    2  usage error: the command was called wrongly (unknown option, bad value, missing file)
"""

from __future__ import annotations

EXIT_DATA = 1
EXIT_USAGE = 2


class PniError(Exception):
    """Base of every error pni raises on purpose. ``where`` names the file and place; ``param``
    names the library parameter at fault (``"groups"``), which the CLI shows as its flag
    (``--groups``): the library speaks in parameters, the CLI in flags."""

    exit_code = EXIT_DATA

    def __init__(self, message: str, *, file: object | None = None, locator: str | None = None,
                 param: str | None = None):
        super().__init__(message)
        self.message = message
        self.file = None if file is None else str(file)
        self.locator = locator
        self.param = param

    @property
    def where(self) -> str:
        parts = [p for p in (self.file, self.locator) if p]
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class DataError(PniError):
    """Input data cannot be read or used (bad encoding, binary file, empty story...)."""


class FormError(DataError):
    """A form file (questions and their kinds) is malformed."""


class MappingError(DataError):
    """A column mapping names a column that does not exist, or no text column can be found."""


class StoreError(PniError):
    """The store cannot be opened, is from a newer pni, or holds inconsistent data."""


class NotFoundError(PniError):
    """A story, run, pattern or other record asked for by id does not exist."""


class UsageError(PniError):
    """The command was called wrongly: missing path, conflicting or malformed options."""

    exit_code = EXIT_USAGE


class ModelError(PniError):
    """An embedding model cannot be found or loaded."""


class DependencyError(PniError):
    """An optional dependency is missing; the message says what to install."""
