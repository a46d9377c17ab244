"""One gate for everything that leaves the store (``pni.privacy.gate``): every command and every
renderer is covered, no output module reads stories, filters consent or builds a redactor
around it, and the threshold has no default that turns it off."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

import pni
from pni.privacy.gate import OUTPUTS, Gate
from pni.settings import Settings
from pni.store import Store

SRC = Path(pni.__file__).parent
#: what reads stories around the gate, or applies consent or redaction by hand (a Redactor
#: may be passed around as a type, not built)
RAW = {"list_stories", "get_story", "filter_consent", "project_redactor"}
BUILT = {"Redactor"}
#: where that is allowed: the gate itself and the layers below it, the stages that read stories
#: to compute (collect, embedding and clustering, explore's statistics frame) and the public API
ALLOWED = ("privacy/", "store/", "ingest/", "cluster/", "embed/", "explore/data.py",
           "__init__.py")


def _uses(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            found |= {a.name for a in node.names if a.name in RAW}
        elif isinstance(node, ast.Attribute) and node.attr in RAW:
            found.add(node.attr)
        elif isinstance(node, ast.Call):
            f = node.func
            name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
            if name in BUILT:
                found.add(f"{name}()")
    return found


def test_no_output_module_goes_around_the_gate() -> None:
    offenders = {}
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if rel.startswith(ALLOWED) or rel in ALLOWED:
            continue
        used = _uses(path)
        if used:
            offenders[rel] = sorted(used)
    assert offenders == {}, ("these modules read stories, filter consent or redact outside "
                             f"pni.privacy.gate: {offenders}")
    # the check sees a use: the gate's own module is caught by it
    assert _uses(SRC / "privacy" / "gate.py") >= {"list_stories", "filter_consent"}


def test_every_command_is_covered_by_the_gate() -> None:
    from pni.cli.reference import commands

    leaves = {" ".join(p) for p, c, _ in commands()
              if p and not getattr(c, "commands", None)}
    assert leaves == set(OUTPUTS), ("a command is missing from pni.privacy.gate.OUTPUTS (or "
                                    f"listed there but gone): {leaves ^ set(OUTPUTS)}")
    for cmd, how in OUTPUTS.items():
        assert how == "probe" or len(how) > 20, f"{cmd}: say why it shows nothing to protect"


def test_the_threshold_has_no_default_that_turns_it_off(store: Store) -> None:
    from pni.explore.data import ExploreData, load

    assert "min_cell" not in {f for f, v in inspect.signature(ExploreData).parameters.items()
                              if v.default is not inspect.Parameter.empty}
    assert load(store).min_cell == Settings().min_cell == 5
    assert Gate.open(store).min_cell == 5
    with pytest.raises(ValueError):
        Settings(min_cell=0)


