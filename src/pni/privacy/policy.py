"""The project's policy applied: a ``Redactor`` built from ``pni.toml`` and the store's known
names, the one way every output gets its redaction."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pni.privacy import Redactor
from pni.privacy.names import load_names

if TYPE_CHECKING:
    from pni.settings import Settings
    from pni.store import Store


#: the store's ``meta`` key of the policy it keeps for every machine (``pni store policy``)
POLICY_KEY = "privacy_policy"


def project_settings(db: Store, settings: Settings | None = None) -> Settings:
    """``settings`` as given, else the ``pni.toml`` beside the store (defaults in memory) held
    to the policy the store keeps (``save_policy``): a team sharing one store on PostgreSQL has
    one policy, and a facilitator's own pni.toml can make it stricter, never looser."""
    from pni.settings import Settings, load_settings

    if settings is not None:
        return settings
    local = load_settings(db.path) if db.path is not None else Settings()
    kept = stored_policy(db)
    return local if kept is None else local.strictest(kept)


def stored_policy(db: Store) -> Settings | None:
    """The policy the store keeps for every machine, or None."""
    import json

    from pni.settings import Settings

    text = db.get_meta(POLICY_KEY) if db.has_table("meta") else None
    return None if not text else Settings(**json.loads(text))


def save_policy(db: Store, settings: Settings) -> None:
    """Keep ``settings`` (less its names file, a file on one machine) in the store: from now on
    every command on this store, from any machine, holds to it."""
    from pni.store.db import dumps

    db.set_meta(POLICY_KEY, dumps(settings.shared()))


def settings_names(settings: Settings) -> list[str]:
    """The names in the settings' names file (none when it is not set or does not exist)."""
    p = settings.names_path()
    return load_names(p) if p is not None and p.is_file() else []


def project_redactor(db: Store, settings: Settings | None = None, *,
                     names_file: str | Path | None = None, enabled: bool = True,
                     extra_names: Sequence[str] = ()) -> Redactor:
    """The redactor every output uses: the store's known names (tellers, speakers, listeners,
    recipients, names files met before), the names file of the settings (or ``names_file``, which
    replaces it for this call), phones read for the settings' region.

    The names file's names are recorded in the store (hashed), so every later command on this
    store redacts them even when the file is moved or lost."""
    from pni.privacy.known import add_names, name_index

    s = project_settings(db, settings)
    names = [*(load_names(names_file) if names_file is not None else settings_names(s)),
             *extra_names]
    if names:
        add_names(db, names, "names-file")
    idx = name_index(db) if s.redact_names else None
    return Redactor(names=names if s.redact_names else (), index=idx, enabled=enabled,
                    region=s.phone_region, contacts=s.redact_contacts)


def redaction_note(red: Redactor, settings: Settings) -> str:
    """One line saying what an output's text went through."""
    if not red.enabled:
        return "Not redacted: names, e-mail addresses and phone numbers show as told."
    what = []
    if settings.redact_names:
        p = settings.names_path()
        listed = f"names file {p}" if p is not None and p.is_file() else "no names file"
        what.append(f"names ({red.n_names} known name entries; {listed})")
    if settings.redact_contacts:
        what.append("e-mail addresses, phone numbers and web addresses")
    if not what:
        return "Not redacted (pni.toml turns redaction off)."
    return ("Redacted: " + " and ".join(what) + " are replaced by [name], [email], [phone] and "
            "[url] in the text shown.")
