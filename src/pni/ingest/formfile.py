"""Reading a form file from disk: ``form.toml``, YAML, or a NarraFirma story-form CSV.

It sits above :mod:`pni.ingest.forms` (what a form is and how answers are read against it) and the
NarraFirma reader (which parses its own story-form CSV), so neither has to import the other.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from pni.errors import FormError
from pni.ingest.forms import Form, parse_form
from pni.ingest.readers.narrafirma import is_form_csv, load_form_csv
from pni.limits import check_regular, load_toml, load_yaml


def load_form(path: Path) -> Form:
    """Read a form file; raises ``FormError`` naming the file and place of anything malformed."""
    check_regular(path, "form file")
    try:
        raw_bytes = path.read_bytes()
    except OSError as e:
        raise FormError(f"cannot read the form file: {e.strerror}", file=path) from e
    try:
        text = raw_bytes.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise FormError(f"not UTF-8 (byte {e.start})", file=path) from e
    ext = path.suffix.lower()
    data: Any
    if ext == ".toml":
        try:
            data = load_toml(text, file=path, error=FormError)
        except tomllib.TOMLDecodeError as e:
            m = re.search(r"\(at line (\d+), column (\d+)\)", str(e))
            loc = f"line {m.group(1)}, column {m.group(2)}" if m else None
            msg = re.sub(r"\s*\(at line.*\)$", "", str(e))
            raise FormError(f"not valid TOML: {msg}", file=path, locator=loc) from e
    elif ext in (".yaml", ".yml"):
        data = load_yaml(text, file=path, error=FormError, syntax=FormError)
    elif ext == ".csv":
        if is_form_csv(text[:8192]):
            return load_form_csv(path)
        raise FormError("a CSV form must be a NarraFirma story form (a 'Data column name,Type,"
                        "About' row); else write a form.toml", file=path)
    else:
        raise FormError("a form file must be .toml, .yaml, .yml or a NarraFirma story-form .csv",
                        file=path)
    return parse_form(data, path)
