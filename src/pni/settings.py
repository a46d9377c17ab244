"""The project's settings file, ``pni.toml`` beside the store: its privacy policy in one place.

Every command and the library read it through ``load_settings(store_path)``; it is created with
the defaults on first use, so the policy in force is always a file a facilitator can read and
edit (docs/privacy.md). ``pni status`` shows it.

>>> import tempfile
>>> from pathlib import Path
>>> with tempfile.TemporaryDirectory() as folder:
...     s = load_settings(Path(folder) / "pni.db")
...     print(s.min_cell, (Path(folder) / "pni.toml").is_file())
5 True
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pni.errors import DataError

SETTINGS_FILE = "pni.toml"
DEFAULT_NAMES_FILE = "names.txt"


class Settings(BaseModel):
    """The ``[privacy]`` table of ``pni.toml``."""

    model_config = ConfigDict(extra="forbid")

    names_file: str = Field(default=DEFAULT_NAMES_FILE, description=(
        "Names to redact everywhere, one per line (relative to this file; \"\" for none)."))
    include_unknown_consent: bool = Field(default=False, description=(
        "Print stories whose consent was not recorded (consent \"no\" is never printed)."))
    card_questions: list[str] = Field(default_factory=list, description=(
        "Question ids whose answers story cards print; empty: story questions and the teller's"
        " role only. Survey metadata is never printed."))
    min_cell: int = Field(default=5, ge=1, description=(
        "Small-cell threshold: counts, charts and observations about fewer tellers are"
        " suppressed or merged into \"other\"."))
    phone_region: str = Field(default="US", description=(
        "Where phone numbers without + are from: a region code, or several (\"US,MX\")."))
    redact_names: bool = Field(default=True, description="Replace known names with [name].")
    redact_contacts: bool = Field(default=True, description=(
        "Replace e-mail addresses, phone numbers and web addresses with [email], [phone], [url]."))
    path: Path | None = Field(default=None, exclude=True)

    def names_path(self) -> Path | None:
        """The names file, resolved against the settings file's folder (None: not set)."""
        if not self.names_file:
            return None
        p = Path(self.names_file).expanduser()
        if not p.is_absolute() and self.path is not None:
            p = self.path.parent / p
        return p

    def strictest(self, other: Settings) -> Settings:
        """The policy that holds both ``self`` and ``other``: the larger small-cell threshold,
        unknown consent printed only where both allow it, redaction wherever either asks for
        it, every phone region of either; card questions: ``other``'s list where it has one.
        The names file stays ``self``'s (a file on this machine)."""
        regions = dict.fromkeys(r.strip().upper() for r in
                                f"{self.phone_region},{other.phone_region}".split(",")
                                if r.strip())
        return Settings(
            names_file=self.names_file, path=self.path,
            include_unknown_consent=self.include_unknown_consent and other.include_unknown_consent,
            card_questions=list(other.card_questions or self.card_questions),
            min_cell=max(self.min_cell, other.min_cell), phone_region=",".join(regions),
            redact_names=self.redact_names or other.redact_names,
            redact_contacts=self.redact_contacts or other.redact_contacts)

    def shared(self) -> dict[str, Any]:
        """The policy as the store keeps it for every machine (no file paths)."""
        return self.model_dump(exclude={"names_file", "path"})

    def describe(self) -> list[list[str]]:
        """``[setting, value]`` rows for ``pni status``."""
        rows = []
        for name in type(self).model_fields:
            if name == "path":
                continue
            v = getattr(self, name)
            if name == "names_file":
                p = self.names_path()
                v = f"{v} ({'found' if p and p.is_file() else 'missing'})" if v else "(none)"
            elif isinstance(v, list):
                v = ", ".join(v) or "(story questions and role)"
            rows.append([name, str(v).lower() if isinstance(v, bool) else str(v)])
        return rows


def settings_path(store_path: Path) -> Path:
    """``pni.toml`` beside the store file; for a PostgreSQL store, in the working directory."""
    from pni.store.url import StoreURL, is_url

    if isinstance(store_path, StoreURL):
        return store_path.folder / SETTINGS_FILE
    if is_url(str(store_path)):
        return Path.cwd() / SETTINGS_FILE
    return Path(store_path).parent / SETTINGS_FILE


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    s = str(v).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{s}"'


def render(settings: Settings) -> str:
    """The settings as a commented ``pni.toml``."""
    lines = ["# pni project settings: the privacy policy of the store beside this file.",
             "# Every pni command reads it; see docs/privacy.md.", "", "[privacy]"]
    for name, f in type(settings).model_fields.items():
        if name == "path":
            continue
        lines.append(f"# {f.description}")
        lines.append(f"{name} = {_toml_value(getattr(settings, name))}")
    return "\n".join(lines) + "\n"


def save_settings(settings: Settings, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(settings), "utf-8")
    settings.path = path
    return path


def load_settings(store_path: Path, *, create: bool = True) -> Settings:
    """The settings of the project whose store is ``store_path``: ``pni.toml`` beside it, written
    with the defaults when missing (``create``) and the folder exists."""
    path = settings_path(store_path)
    if not path.is_file():
        s = Settings(path=path)
        if create and path.parent.is_dir():
            save_settings(s, path)
        return s
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise DataError(f"not a valid settings file ({e})", file=path) from e
    unknown = set(data) - {"privacy"}
    if unknown:
        raise DataError(f"unknown table(s) {', '.join(sorted(unknown))} (only [privacy])",
                        file=path)
    try:
        return Settings(**data.get("privacy", {}), path=path)
    except ValidationError as e:
        err = e.errors()[0]
        where = ".".join(str(x) for x in err["loc"])
        raise DataError(f"privacy.{where}: {err['msg']}", file=path) from e
