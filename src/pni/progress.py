"""One way for the library to report progress: a callback ``progress(stage, done, total)``.

``stage`` is a short label ("Embedding stories", "Clustering", "files"); ``done`` counts what is
finished; ``total`` is how many there are (None when unknown); ``detail`` says what is being
worked on now (a file name). The library never draws anything: the CLI turns the calls into rich
progress bars on stderr (``pni.cli.common.progress``), a script may print them, log them or pass
nothing.

>>> seen = []
>>> def record(stage, done, total=None, detail=""):
...     seen.append((stage, done, total))
>>> report(record, "Clustering", 1, 4)
>>> report(None, "Clustering", 2, 4)     # no callback: nothing happens
>>> seen
[('Clustering', 1, 4)]
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """What a progress callback takes."""

    def __call__(self, stage: str, done: int, total: int | None = None,
                 detail: str = "") -> None: ...


def report(progress: Progress | None, stage: str, done: int, total: int | None = None,
           detail: str = "") -> None:
    """Call ``progress`` when there is one."""
    if progress is not None:
        progress(stage, done, total, detail)
