"""The packet's words, read from ``prompts/packet/`` and optionally overridden by ``--prompts DIR``.

Every file is YAML. A file in the override folder with the same relative name (``guide.yaml``,
``labels.yaml``, ``exercises/landscape.yaml``...) replaces the default file key by key: keys it
leaves out keep their default wording, so a translation may be done a file at a time. A new file
in ``exercises/`` adds an exercise. Placeholders in braces (``{n_stories}``) are filled from data.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pni.errors import DataError, UsageError

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def default_dir() -> Path:
    """Where the shipped wording lives: ``packet/`` in the prompts folder (see
    ``pni.paths.prompts_dir``: ``$PNI_PROMPTS``, the checkout's ``prompts/``, or the installed copy)."""
    from pni.paths import prompts_dir

    cand = prompts_dir() / "packet"
    if not cand.is_dir():
        raise DataError("the packet's prompts folder (prompts/packet) is missing", file=cand)
    return cand


def fill(text: str, values: dict[str, Any]) -> str:
    """Replace ``{name}`` by ``values[name]``; unknown placeholders stay as written."""
    return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]) if m.group(1) in values
                            else m.group(0), text)


def fill_all(obj: Any, values: dict[str, Any]) -> Any:
    if isinstance(obj, str):
        return fill(obj, values)
    if isinstance(obj, list):
        return [fill_all(v, values) for v in obj]
    if isinstance(obj, dict):
        return {k: fill_all(v, values) for k, v in obj.items()}
    return obj


class Prompts:
    """Reads the packet's YAML texts with overrides. ``Prompts(None)`` reads the defaults."""

    def __init__(self, override: str | Path | None = None, base: Path | None = None):
        self.base = base or default_dir()
        self.override = None if override is None else Path(override)
        if self.override is not None and not self.override.is_dir():
            raise UsageError("must name a folder", file=self.override, param="prompts")

    def _read(self, path: Path) -> Any:
        import yaml

        try:
            return yaml.safe_load(path.read_text("utf-8"))
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            loc = f"line {mark.line + 1}" if mark is not None else None
            raise DataError(f"not valid YAML: {getattr(e, 'problem', e)}", file=path,
                            locator=loc) from e
        except UnicodeDecodeError as e:
            raise DataError("not UTF-8 text", file=path) from e

    def load(self, rel: str) -> dict[str, Any]:
        """The merged mapping for one file (``{}`` when neither folder has it)."""
        out: dict[str, Any] = {}
        for folder in (self.base, self.override):
            if folder is None:
                continue
            p = folder / rel
            if p.is_file():
                data = self._read(p)
                if data is None:
                    continue
                if not isinstance(data, dict):
                    raise DataError("expected a mapping of keys to texts", file=p)
                out.update(data)
        return out

    def exercise_names(self) -> list[str]:
        names: set[str] = set()
        for folder in (self.base, self.override):
            if folder is not None and (folder / "exercises").is_dir():
                names |= {p.stem for p in (folder / "exercises").glob("*.yaml")}
        data = {n: self.load(f"exercises/{n}.yaml") for n in names}
        return sorted(names, key=lambda n: (int(data[n].get("order", 100)), n))
