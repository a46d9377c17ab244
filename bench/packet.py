"""How long a 200-story packet takes to build and render, against a named baseline.

Baseline: compiling a trivial one-page typst document in the same process (typst's fixed cost).
Target: the whole 200-story PDF packet (build + render) in under 3 s here.

    .venv/bin/python bench/packet.py [--stories 200] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.helpers import fake_run, populate

from pni.packet import PacketOptions, build_packets
from pni.render.packet_html import render_html
from pni.render.packet_md import render_md
from pni.render.packet_typst import render_pdf
from pni.store import Store


def best(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--stories", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    import typst

    with tempfile.TemporaryDirectory() as tmp:
        db = Store.open(Path(tmp) / "b.db")
        ids = populate(db, a.stories)
        fake_run(db, ids)
        opts = PacketOptions(exercises=["all"], lenses=["cynefin", "value-cycles", "cop-stages",
                                                        "nested-communities"])
        trivial = b"#set page(paper: \"a4\")\n= Baseline\nOne page of text."
        typst.compile(trivial)  # warm fonts
        base = best(lambda: typst.compile(trivial), a.repeat)
        build = best(lambda: build_packets(db, opts), a.repeat)
        [packet] = build_packets(db, opts)
        t = time.perf_counter()
        pdf_bytes = render_pdf(packet)  # first render: typst's in-process caches are cold
        first_pdf = time.perf_counter() - t
        pdf = best(lambda: render_pdf(packet), a.repeat)
        html = best(lambda: render_html(packet), a.repeat)
        md = best(lambda: render_md(packet), a.repeat)
        (Path(tmp) / "p.pdf").write_bytes(pdf_bytes)
        import subprocess

        info = subprocess.run(["pdfinfo", str(Path(tmp) / "p.pdf")], capture_output=True,
                              text=True).stdout
        pages = next((ln.split()[-1] for ln in info.splitlines() if ln.startswith("Pages")), "")
        db.close()
    total = build + first_pdf
    print(f"packet of {len(packet.cards)} printed stories ({a.stories} in the store), "
          f"{len(packet.exercises)} exercises, {len(packet.lenses)} lenses; best of {a.repeat}")
    print(f"baseline  trivial 1-page typst compile  {base * 1000:8.1f} ms   1.0x")
    for name, t in (("build", build), ("pdf first", first_pdf), ("pdf again", pdf),
                    ("html", html), ("md", md), ("build+pdf", total)):
        print(f"{name:<10}{'':30}{t * 1000:8.1f} ms  {t / base:5.1f}x baseline")
    print(f"target: build+pdf under 3 s -> {'OK' if total < 3 else 'TOO SLOW'} ({total:.2f} s)")
    if pages:
        print(f"pdf pages: {pages}")


if __name__ == "__main__":
    main()
