"""The main job in one call: collect -> cluster -> explore -> packet, into one output folder.

>>> from pathlib import Path
>>> from pni.prepare import prepare
>>> result = prepare([Path("sample_stories")], Path("out"))  # doctest: +SKIP
>>> result.packet  # doctest: +SKIP
PosixPath('out/packet.pdf')

Each stage is the same library call its own command makes; this module only chains them and
decides where the files go.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from pni.errors import DataError

NAMES_FILE = "names.txt"


class PrepareResult(BaseModel):
    """What `pni prepare` wrote and found."""

    out: Path
    store: Path
    collected: dict[str, int]
    rejects: int
    run_id: int
    n_patterns: int
    coverage: float | None
    observations: int
    report_html: Path
    report_md: Path
    packets: list[Path]
    rejects_file: Path | None = None
    names_file: Path | None = None
    settings_file: Path | None = None
    withheld: str = ""
    capture: Path | None = None  # the capture template `pni record` reads after the session
    notes: list[str] = Field(default_factory=list)

    @property
    def packet(self) -> Path:
        return self.packets[0]


def _task(progress: Any, label: str) -> Any:
    """A step without a count begins (``pni.progress.Progress``)."""
    from pni.progress import report

    report(progress, label, 0, None)
    return label


def _done(progress: Any, task: Any) -> None:
    from pni.progress import report

    report(progress, task, 1, 1)


def find_names_file(paths: list[Path]) -> Path | None:
    """A ``names.txt`` given as an input folder's top-level file: ``prepare`` writes it into the
    project's ``pni.toml``, which every later command reads."""
    for p in paths:
        cand = p / NAMES_FILE if p.is_dir() else None
        if cand is not None and cand.is_file():
            return cand
    return None


def prepare(
    paths: list[Path],
    out: Path,
    *,
    store: Path | None = None,
    names_file: Path | None = None,
    embedder: Any = None,
    seed: int = 0,
    fmt: str = "pdf",
    groups: int = 3,
    cards: int = 30,
    include_unknown: bool | None = None,
    n_patterns: int | None = None,
    progress: Any = None,
) -> PrepareResult:
    """Collect ``paths`` into ``store`` (default ``out/pni.db``), cluster (about ``n_patterns``
    patterns when given), explore and print packets: a facilitator file and one packet of
    ``cards`` story cards for each of ``groups`` small groups. Nothing is sent anywhere; every
    file lands in ``out``.

    The project's policy is the ``pni.toml`` beside the store (created with the defaults): a
    names file given (or a ``names.txt`` in an input folder) and ``include_unknown`` are written
    into it, so every later command on this store applies the same policy."""
    from pni.cluster import cluster_stories
    from pni.embed import get_embedder
    from pni.explore.report import build_report, save_report
    from pni.ingest.collect import collect
    from pni.packet import PacketOptions, build_packets
    from pni.render import write_packets, write_report
    from pni.store import Store
    from pni.store.stories import count_stories

    out.mkdir(parents=True, exist_ok=True)
    from pni.privacy.policy import settings_names
    from pni.settings import load_settings, save_settings

    store = store or out / "pni.db"
    settings = load_settings(store)
    names_file = names_file or find_names_file(paths)
    if names_file is not None:
        settings.names_file = str(Path(names_file).resolve())
    if include_unknown is not None:
        settings.include_unknown_consent = include_unknown
    assert settings.path is not None
    save_settings(settings, settings.path)
    names_file = settings.names_path() if settings_names(settings) else None
    notes: list[str] = []
    with Store.open(store) as db:
        creport = collect(db, paths)
        rejects_file = None
        if creport.rejects:
            from pni.ingest.collect import write_rejects

            rejects_file = out / "rejects.csv"
            write_rejects(creport.rejects, rejects_file)
        failed = [f for f in creport.files if f.error]
        for f in failed:
            notes.append(f"{f.file}: not collected: {f.error}")
        if not count_stories(db):
            raise DataError("no stories were collected from the given paths")
        if embedder is None:
            task = _task(progress, "Loading the embedding model (the first use exports it once)")
            embedder = get_embedder()
            _done(progress, task)
        from pni.privacy.gate import Gate

        gate = Gate.open(db, settings)
        withheld = gate.withheld_summary(gate.stories(with_answers=False))
        run = cluster_stories(db, embedder, seed=seed, n_patterns=n_patterns,
                              progress=progress,
                              names=settings_names(settings))
        report = build_report(db, run_id=run.run_id, settings=settings)
        save_report(db, report)
        html = write_report(report, out / "report.html", "html")[0]
        md = write_report(report, out / "report.md", "md")[0]
        packets = build_packets(db, PacketOptions(run_id=run.run_id, groups=groups,
                                                  cards=cards, settings=settings))
        written = write_packets(packets, out / f"packet.{fmt}", fmt)
        from pni.packet import group_labels, write_capture_template

        capture = write_capture_template(out, group_labels(packets))
    if names_file is None:
        notes.append("no names file (names.txt): the names pni met in the files, e-mail "
                     "addresses, phone numbers and web addresses were redacted")
    return PrepareResult(
        out=out, store=store, collected=creport.totals, rejects=len(creport.rejects),
        run_id=run.run_id, n_patterns=run.n_patterns, coverage=run.coverage,
        observations=len(report.observations), report_html=Path(html), report_md=Path(md),
        packets=written, rejects_file=rejects_file, names_file=names_file, notes=notes,
        settings_file=settings.path, withheld=withheld, capture=capture[0],
    )
