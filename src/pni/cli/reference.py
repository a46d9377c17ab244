"""The CLI reference (docs/cli.md), generated from the commands themselves with cog, so it cannot
drift from the code: every command's ``--help`` and every environment variable pni reads.

Regenerate: ``cog -r docs/cli.md``; ``tests/cli/test_reference.py`` fails when it is stale.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

WIDTH = 100


def commands() -> Iterator[tuple[tuple[str, ...], Any, Any]]:
    """Every command and group, depth first: (path, click command, click context)."""
    import click
    import typer

    from pni.cli import app

    root = typer.main.get_command(app)

    def walk(cmd: Any, path: tuple[str, ...], parent: Any) -> Iterator[tuple[tuple[str, ...], Any,
                                                                              Any]]:
        ctx = click.Context(cmd, info_name=path[-1] if path else "pni", parent=parent,
                            terminal_width=WIDTH, max_content_width=WIDTH,
                            help_option_names=["-h", "--help"])
        yield path, cmd, ctx
        for name in cmd.list_commands(ctx) if hasattr(cmd, "list_commands") else []:
            sub = cmd.get_command(ctx, name)
            if not getattr(sub, "hidden", False):
                yield from walk(sub, (*path, name), ctx)

    yield from walk(root, (), None)


def environment_table() -> str:
    from pni.environment import VARIABLES

    lines = ["| variable | default | what it does |", "|---|---|---|"]
    for v in VARIABLES.values():
        lines.append(f"| `{v.name}` | {v.default} | {v.help} |")
    return "\n".join(lines)


def markdown() -> str:
    """The body of docs/cli.md: a contents list, each command's help, the environment."""
    parts = ["Commands: " + ", ".join(
        f"[`pni {' '.join(p)}`](#{'pni-' + '-'.join(p)})" for p, _, _ in commands() if p) + ".",
        ""]
    for path, cmd, ctx in commands():
        title = "pni " + " ".join(path) if path else "pni"
        parts += [f"## {title}", "", "```", cmd.get_help(ctx).rstrip(), "```", ""]
    parts += ["## Environment variables", "",
              "Declared once in `pni.environment`; an option's `[env var: ...]` above says which"
              " option reads one.", "", environment_table(), ""]
    return "\n".join(parts)
