"""Limits on what pni reads, and loaders for YAML, JSON and TOML that enforce them.

Input comes from other people's exports and can be broken or hostile; every limit here turns what
would be a crash, a hang or a huge store into a ``DataError`` naming the file and the place.
The figures are documented in docs/collect.md ("Limits") and a test checks they agree.

>>> load_json('{"a": [1, 2]}', file="x.json")
{'a': [1, 2]}
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path
from typing import Any

from pni.errors import DataError, UsageError

MAX_NESTING = 100                 # lists/objects inside each other (JSON, YAML, TOML)
MAX_YAML_NODES = 100_000          # YAML values once aliases are expanded (alias bombs)
MAX_NUMBER_DIGITS = 4300          # digits in one number (Python's own int limit)
MAX_STORY_CHARS = 10_000_000      # characters in one story's text (longer: a row reject)
MAX_FILE_BYTES = 1 << 30          # one input file (1 GiB)


class YamlSyntaxError(DataError):
    """The text is not YAML at all (as opposed to YAML over a limit or with an impossible value)."""


def check_regular(path: Path, what: str = "file") -> None:
    """Refuse FIFOs, devices, sockets and folders before opening them (``open`` on a FIFO
    blocks forever; ``/dev/zero`` never ends) and files over ``MAX_FILE_BYTES``."""
    try:
        st = os.stat(path)
    except FileNotFoundError as e:
        raise UsageError(f"{what} not found", file=path) from e
    except OSError as e:
        raise DataError(f"cannot read the {what}: {e.strerror}", file=path) from e
    mode = st.st_mode
    if stat.S_ISDIR(mode):
        raise UsageError(f"is a folder, not a {what}", file=path)
    if not stat.S_ISREG(mode):
        kind = ("a FIFO (named pipe)" if stat.S_ISFIFO(mode) else
                "a socket" if stat.S_ISSOCK(mode) else
                "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file")
        raise UsageError(f"is {kind}; pni reads only regular files", file=path)
    if st.st_size > MAX_FILE_BYTES:
        raise DataError(f"is {st.st_size:,} bytes; pni reads files up to {MAX_FILE_BYTES:,}"
                        " bytes (split it)", file=path)


# -- JSON -----------------------------------------------------------------------------------------
_LONG_NUMBER = re.compile(rf"\d{{{MAX_NUMBER_DIGITS + 1},}}")


def _where(text: str, pos: int) -> str:
    line = text.count("\n", 0, pos) + 1
    return f"line {line}, column {pos - (text.rfind(chr(10), 0, pos) + 1) + 1}"


def load_json(text: str, *, file: object, locator: str | None = None) -> Any:
    """``json.loads`` with the nesting and number limits; a ``json.JSONDecodeError`` passes
    through for the caller to place. Strings with unpaired surrogates are left for
    :func:`value_problem` to report per record."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        raise
    except RecursionError as e:
        raise DataError(f"nested more than {MAX_NESTING} levels deep", file=file,
                        locator=locator) from e
    except ValueError as e:  # int() over sys.get_int_max_str_digits()
        m = _LONG_NUMBER.search(text)
        raise DataError(f"a number has more than {MAX_NUMBER_DIGITS} digits", file=file,
                        locator=locator or (_where(text, m.start()) if m else None)) from e
    if nesting(value) > MAX_NESTING:
        raise DataError(f"nested more than {MAX_NESTING} levels deep", file=file, locator=locator)
    return value


def nesting(value: Any) -> int:
    """How deep lists and mappings go (0 for a scalar), without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        v, d = stack.pop()
        if isinstance(v, dict):
            v = list(v.values())
        if isinstance(v, list | tuple):
            d += 1
            deepest = max(deepest, d)
            if d <= MAX_NESTING + 1:
                stack.extend((x, d) for x in v)
    return deepest


def value_problem(value: Any) -> str | None:
    """Why a parsed value cannot be stored (an unpaired surrogate such as ``"\\ud800"`` is not
    Unicode text and SQLite refuses it), or None."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            try:
                v.encode("utf-8")
            except UnicodeEncodeError as e:
                return (f"holds {v[e.start]!r} (\\u{ord(v[e.start]):04x}), half of a surrogate"
                        " pair: not valid Unicode text")
        elif isinstance(v, dict):
            stack.extend(v.keys())
            stack.extend(v.values())
        elif isinstance(v, list | tuple):
            stack.extend(v)
    return None


# -- YAML -----------------------------------------------------------------------------------------
def _check_yaml_events(text: str, loader: Any) -> None:
    """Walk the parse events (libyaml when present: fast) and stop at the first one past a limit:
    nesting depth, or values once aliases are expanded (a 700-byte alias bomb expands to
    hundreds of millions). Raises ``_Limit``; syntax errors pass through as ``YAMLError``."""
    import yaml

    sizes: dict[str, int] = {}
    stack: list[list[Any]] = []   # [anchor, size so far, start mark] per open collection
    total = 0

    def done(anchor: str | None, size: int, mark: Any) -> None:
        nonlocal total
        if anchor:
            sizes[anchor] = size
        if stack:
            stack[-1][1] += size
        else:
            total += size
        if total + sum(f[1] for f in stack) > MAX_YAML_NODES:
            raise _Limit(f"expands to more than {MAX_YAML_NODES:,} values once its aliases are"
                         " repeated (an alias bomb?)", mark)

    for ev in yaml.parse(text, Loader=loader):
        if isinstance(ev, yaml.CollectionStartEvent):
            stack.append([ev.anchor, 1, ev.start_mark])
            if len(stack) > MAX_NESTING:
                raise _Limit(f"nested more than {MAX_NESTING} levels deep", ev.start_mark)
        elif isinstance(ev, yaml.CollectionEndEvent):
            anchor, size, mark = stack.pop()
            done(anchor, size, mark)
        elif isinstance(ev, yaml.ScalarEvent):
            done(ev.anchor, 1, ev.start_mark)
        elif isinstance(ev, yaml.AliasEvent):
            done(None, sizes.get(ev.anchor or "", 1), ev.start_mark)


def _yaml_loader() -> Any:
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # type: ignore[misc, valid-type]
        """SafeLoader whose impossible dates and over-long numbers name their line."""

    def timestamp(loader: Any, node: Any) -> Any:
        try:
            return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
        except (ValueError, OverflowError) as e:
            raise _Limit(f"{node.value!r} is not a real date or time ({e})", node.start_mark) from e

    def integer(loader: Any, node: Any) -> Any:
        try:
            return yaml.SafeLoader.construct_yaml_int(loader, node)
        except ValueError as e:
            raise _Limit(f"a number has more than {MAX_NUMBER_DIGITS} digits",
                         node.start_mark) from e

    Loader.add_constructor("tag:yaml.org,2002:timestamp", timestamp)
    Loader.add_constructor("tag:yaml.org,2002:int", integer)
    return Loader


class _Limit(Exception):
    def __init__(self, message: str, mark: Any):
        super().__init__(message)
        self.message, self.mark = message, mark


_LOADER: Any = None


def load_yaml(text: str, *, file: object, first_line: int = 1, unit: str = "line",
              error: type[DataError] = DataError, syntax: type[DataError] = YamlSyntaxError,
              with_node: bool = False) -> Any:
    """Parse one YAML document under the limits. ``first_line`` is the number, in the file, of
    the text's first line (front matter starts below ``---``). Syntax errors raise
    ``syntax`` (``YamlSyntaxError``); limits and impossible values raise ``error``. With ``with_node`` the
    composed node comes back too (for line numbers of list items)."""
    import yaml

    global _LOADER
    if _LOADER is None:
        _LOADER = _yaml_loader()

    def place(mark: Any) -> str | None:
        return f"{unit} {mark.line + first_line}" if mark is not None else None

    loader = None
    try:
        _check_yaml_events(text, _LOADER)
        loader = _LOADER(text)
        node = loader.get_single_node()
        data = None if node is None else loader.construct_document(node)
    except _Limit as e:
        raise error(e.message, file=file, locator=place(e.mark)) from None
    except RecursionError:
        raise error(f"nested more than {MAX_NESTING} levels deep", file=file) from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise syntax(f"not valid YAML: {getattr(e, 'problem', None) or e}", file=file,
                              locator=place(mark)) from e
    finally:
        if loader is not None:
            loader.dispose()
    return (data, node) if with_node else data


# -- TOML -----------------------------------------------------------------------------------------
def load_toml(text: str, *, file: object, error: type[DataError] = DataError) -> Any:
    """``tomllib.loads`` with the nesting and number limits."""
    import tomllib

    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise error(f"nested more than {MAX_NESTING} levels deep", file=file) from None
    except tomllib.TOMLDecodeError:
        raise
    except ValueError as e:  # an integer over sys.get_int_max_str_digits()
        m = _LONG_NUMBER.search(text)
        raise error(f"a number has more than {MAX_NUMBER_DIGITS} digits", file=file,
                    locator=_where(text, m.start()) if m else None) from e
    if nesting(data) > MAX_NESTING:
        raise error(f"nested more than {MAX_NESTING} levels deep", file=file)
    return data

