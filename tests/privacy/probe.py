"""The privacy probe's fixture and scanner, shared by ``tests/privacy/test_outputs.py`` and
``bench/privacy_probe.py``: a story form with planted names, phone numbers, e-mail addresses and
remote references (and innocent look-alikes: dates, times, decimals, ids, postcodes,
coordinates), every printed output made from it by the real CLI with the fake embedder, and a
count per output of what survived.

Small cells: the fixture has 3 tellers, so every group of tellers defined by an answer is
under the small-cell threshold (5). In the outputs that count (report, packet), an answer
printed beside a number is a small cell shown (``small_cells``); a story card's "Role:
**student**" has no number and is not counted. The record exports (stories, NarraFirma,
REFI-QDA) print each story's answers by design and are not counted.

Everyone and every number here is made up for the probe.
"""

from __future__ import annotations

import csv
import html
import json
import re
import shutil
import subprocess
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path

from markdown_it import MarkdownIt
from typer.testing import CliRunner

from pni.cli import app

TELLERS = ["Marisol Quintero", "Bartholomew Ashdown", "Ingrid Solberg"]
LISTED = ["Rosa Diaz", "Tomasz Kowalczyk", "=Bell"]
# what must not survive, searched case- and accent-insensitively as whole words
NAME_WORDS = ["Marisol", "Quintero", "Bartholomew", "Ashdown", "Ingrid", "Solberg", "Rosa",
              "Diaz", "Tomasz", "Kowalczyk"]
NAME_MENTIONS = ["Dr. Díaz's office", "DIAZ", "Rosa Díaz", "Mr. Kowalczyk's bus", "KOWALCZYK",
                 "Marisol", "QUINTERO's", "Bartholomew Ashdown", "Mrs. Solberg", "Ingrid's"]
PHONES = ["(617) 555-0143", "617-555-0178", "+1 617 555 0199", "+49 30 1234567",
          "+44 20 7946 0958", "+33 6 12 34 56 78", "06 98 76 54 32", "+52 55 1234 5678"]
EMAILS = ["marisol.q@example.org", "rosa_diaz+school@mail.example.com", "T.KOWALCZYK@example.net"]
# remote references and what identifies each in an output
REMOTE = ["![t](http://example.org/p.png)", "[x](//evil.example/track)",
          "![d](data:image/png;base64,iVBORprobe0AAA)", "<img src=http://example.org/px.gif>",
          '<a href="https://evil.example/go">click</a>']
REMOTE_MARKERS = ["example.org", "evil.example", "iVBORprobe"]
INNOCENT = ["2019-03-14 08:15:00", "at 08:15", "3.14159265358", "ID 40817263", "postcode 02139",
            "SW1A 1AA", "42.3601, -71.0589", "1999-2003", "room 214", "the bell rang"]
TEXT_KINDS = ("names", "phones", "emails", "remote", "innocent_redacted")
#: the fixture's answers; each is held by at most 3 tellers, under the default min_cell (5)
ANSWERS = ["student", "teacher", "proud", "hurt", "hopeful"]
#: outputs made of counts (the rest are per-story records)
AGGREGATES = ("report HTML", "report MD", "report CSV", "packet MD", "packet HTML", "packet PDF")
_COUNT = r"(?<![<\w.:/-])\d+(?![\w.:/-])"  # a number, not "<5", a date, time, id or decimal
_ANSWER = r"\b(?:" + "|".join(ANSWERS) + r")\b"
SMALL_CELL = re.compile(rf"{_ANSWER}[^\n]{{0,24}}?{_COUNT}|{_COUNT}[^\n]{{0,24}}?{_ANSWER}",
                        re.IGNORECASE)
LIVE = re.compile(r"""(?:src|href|srcset|poster|action)\s*=\s*["']?\s*(?:https?:|//|data:)"""
                  r"""|url\(\s*["']?\s*(?:https?:|//|data:)""", re.IGNORECASE)
BARE_LINK = re.compile(r"(?<![\\/\w(=\"'])(?:https?://|www\.)", re.IGNORECASE)


def write_fixture(folder: Path, n: int = 24) -> Path:
    """A story-form folder (CSV, pni.yaml, form.toml, names.txt) of ``n`` stories; returns it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "names.txt").write_text("# probe names\n" + "\n".join(LISTED) + "\n", "utf-8")
    (folder / "pni.yaml").write_text(
        "collection: Privacy probe\nkind: story-form\nform: form.toml\nlanguage: en\nmap:\n"
        "  text: story\n  id: response_id\n  teller: teller\n  prompt: prompt\n  title: title\n"
        "  date: submitted\n  consent: consent\n", "utf-8")
    (folder / "form.toml").write_text(
        '[[questions]]\nid = "feeling"\ncolumn = "feeling"\ntext = "How did you feel?"\n'
        'kind = "choice"\nabout = "story"\noptions = ["proud", "hurt", "hopeful"]\n\n'
        '[[questions]]\nid = "role"\ncolumn = "role"\ntext = "Role"\nkind = "choice"\n'
        'about = "teller"\noptions = ["student", "teacher"]\n', "utf-8")
    themes = [("bus", "the late bus and the cold stop"), ("lunch", "lunch alone in the hallway"),
              ("test", "the math test and the retake"), ("club", "the robotics club after school")]
    with (folder / "stories.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["response_id", "submitted", "teller", "role", "prompt", "title", "story",
                    "consent", "feeling"])
        for i in range(n):
            key, topic = themes[i % len(themes)]
            story = (f"On {INNOCENT[0]} ({INNOCENT[1]}) I wrote about {topic}. "
                     f"{NAME_MENTIONS[i % len(NAME_MENTIONS)]} said to call "
                     f"{PHONES[i % len(PHONES)]} or mail {EMAILS[i % len(EMAILS)]}; see "
                     f"{REMOTE[i % len(REMOTE)]}. Pi is {INNOCENT[2]}, my card says "
                     f"{INNOCENT[3]}, {INNOCENT[4]} and {INNOCENT[5]}, map {INNOCENT[6]}, "
                     f"years {INNOCENT[7]}, {INNOCENT[8]}, and then {INNOCENT[9]}. "
                     f"It was about {topic} again, {topic} every week.")
            title = f"{REMOTE[(i + 1) % len(REMOTE)]} {key} {NAME_MENTIONS[(i + 3) % 10]}"
            w.writerow([f"PP-{i:03d}", "2026-02-02", TELLERS[i % len(TELLERS)],
                        "student" if i % 2 else "teacher", "Tell us about a day at school.",
                        title, story, "yes", ["proud", "hurt", "hopeful"][i % 3]])
    return folder


#: the commands (as ``pni.privacy.gate.OUTPUTS`` names them) the last ``make_outputs`` ran
RAN: set[str] = set()
#: outputs of commands that print counts of tellers' groups (pattern mixes, status)
CLI_AGGREGATES = ("patterns show JSON", "patterns show table", "patterns list JSON",
                  "cluster JSON", "status table", "compare table")


def _cli(*args: str, out: Path | None = None) -> None:
    """Run ``pni ARGS`` (recorded in ``RAN``); with ``out``, keep what it printed on stdout."""
    result = CliRunner().invoke(app, list(args))
    if result.exit_code != 0:
        raise RuntimeError(f"pni {' '.join(args)} failed: {result.stderr or result.output}")
    words = [a for a in args if not a.startswith("-")]
    RAN.add(" ".join(words[:2]) if len(words) > 1 and f"{words[0]} {words[1]}" in _GROUPED
            else words[0])
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(result.stdout, "utf-8")


_GROUPED = {"stories list", "stories show", "stories export", "patterns list", "patterns show",
            "patterns tree", "patterns assignments", "export narrafirma", "export qdpx",
            "curate init", "curate show", "curate export", "curate import"}


def small_cells(text: str) -> int:
    """How many times ``text`` prints an answer of the fixture beside a count: each is a cell
    of fewer than 5 tellers (a hidden one reads ``<5`` and is not counted)."""
    return len(SMALL_CELL.findall(text))


def make_outputs(fieldwork: Path, out: Path, *, pdf: bool = True, exports: bool = True,
                 min_cell: int | None = None) -> dict[str, Path]:
    """Every printed output of the fixture, by the CLI (fake embedder); format -> path.
    ``min_cell`` sets the project's threshold (default: pni's)."""
    out.mkdir(parents=True, exist_ok=True)
    RAN.clear()
    (out / "pni.toml").write_text('[privacy]\nphone_region = "US,FR"\n'
                                  + (f"min_cell = {min_cell}\n" if min_cell else ""), "utf-8")
    _cli("prepare", str(fieldwork), "-o", str(out), "--fake-embedder", "--to", "md",
         "--groups", "1")
    store = str(out / "pni.db")
    paths = {"report HTML": out / "report.html", "report MD": out / "report.md",
             "packet MD": out / "packet.md"}
    _cli("explore", "--store", store, "--csv-dir", str(out / "csv"), "--no-save")
    paths["report CSV"] = out / "csv"
    _cli("packet", "--store", store, "--to", "html", "-o", str(out / "packet.html"),
         "--groups", "1")
    paths["packet HTML"] = out / "packet.html"
    if pdf:
        _cli("packet", "--store", store, "--to", "pdf", "-o", str(out / "packet.pdf"),
             "--groups", "1")
        paths["packet PDF"] = out / "packet.pdf"
    if exports:
        for fmt in ("csv", "jsonl"):
            _cli("stories", "export", "--store", store, "--redact", "-F", fmt,
                 "-o", str(out / f"stories.{fmt}"))
            paths[f"stories export {fmt.upper()}"] = out / f"stories.{fmt}"
        _cli("export", "narrafirma", "--store", store, "-o", str(out / "narrafirma"))
        paths["export narrafirma"] = out / "narrafirma"
        _cli("export", "qdpx", "--store", store, "-o", str(out / "project.qdpx"))
        paths["export qdpx"] = out / "project.qdpx"
        paths |= _terminal_outputs(store, out / "cli")
    return paths


def _terminal_outputs(store: str, folder: Path) -> dict[str, Path]:
    """What the commands that print story text or counts show at a terminal and to scripts."""
    import sqlite3

    con = sqlite3.connect(store)
    first = con.execute("SELECT id FROM stories WHERE consent = 'yes' ORDER BY rowid").fetchone()
    pattern = con.execute("SELECT id FROM patterns ORDER BY id").fetchone()
    con.close()
    runs: dict[str, list[str]] = {
        "stories list table": ["stories", "list"], "stories list JSON": ["stories", "list", "--json"],
        "stories show table": ["stories", "show", first[0]],
        "stories show JSON": ["stories", "show", first[0], "--json"],
        "patterns list table": ["patterns", "list"], "patterns list JSON": ["patterns", "list", "--json"],
        "patterns show table": ["patterns", "show", str(pattern[0])],
        "patterns show JSON": ["patterns", "show", str(pattern[0]), "--json"],
        "patterns tree table": ["patterns", "tree"],
        "patterns assignments CSV": ["patterns", "assignments", "--format", "csv"],
        "cluster JSON": ["cluster", "--fake-embedder", "--json"], "status table": ["status"],
        "explore JSON": ["explore", "--json", "--no-save"],
        "return page MD": ["return"],
        "compare table": ["compare", "Privacy probe", "Privacy probe"],
        "curate init JSON": ["curate", "init", "-o", str(folder / "catalysis.yaml"), "--json"],
        "curate show table": ["curate", "show", "--file", str(folder / "catalysis.yaml")],
        "curate show JSON": ["curate", "show", "--file", str(folder / "catalysis.yaml"),
                             "--json"],
        "curate export": ["curate", "export", "--file", str(folder / "catalysis.yaml"), "-o",
                          str(folder / "narrafirma-elements.csv")],
    }
    paths = {}
    for name, args in runs.items():
        path = folder / (name.replace(" ", "_") + ".txt")
        _cli(*args, "--store", store, out=path)
        paths[name] = path
    paths["curate file"] = folder / "catalysis.yaml"
    paths["curate export CSV"] = folder / "narrafirma-elements.csv"
    return paths


def pdf_text(path: Path) -> str | None:
    """The PDF's text by ``pdftotext`` (None where it is not installed)."""
    exe = shutil.which("pdftotext")
    if exe is None:
        return None
    return subprocess.run([exe, "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def _html_text(doc: str) -> str:
    """What a reader sees, and the strings of the page's JSON data blocks (the report's story
    browser shows them)."""
    data = []
    for block in re.findall(r'(?is)<script[^>]*type="application/json"[^>]*>(.*?)</script>', doc):
        data += list(_strings(json.loads(block)))
    doc = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", doc)
    return html.unescape(re.sub(r"<[^>]+>", " ", doc)) + "\n" + "\n".join(data)


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [x for v in value.values() for x in _strings(v)]
    if isinstance(value, list):
        return [x for v in value for x in _strings(v)]
    return []


def read_output(name: str, path: Path) -> tuple[str, str]:
    """(what a reader sees as text, the markup whose links and images a viewer would load)."""
    if path.is_dir():
        raw = "\n".join(p.read_text("utf-8") for p in sorted(path.rglob("*")) if p.is_file())
        return raw, ""
    if path.suffix == ".pdf":
        return pdf_text(path) or "", ""
    if path.suffix == ".qdpx":
        with zipfile.ZipFile(path) as z:
            raw = "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist()
                            if not n.endswith("/"))
        return html.unescape(raw), ""
    raw = path.read_text("utf-8")
    if path.suffix == ".html":
        return _html_text(raw), raw
    if path.suffix == ".md":
        rendered = MarkdownIt("commonmark").render(raw)
        bare = "".join(f" {m.group(0)}" for m in BARE_LINK.finditer(raw))  # GFM autolinks
        return _html_text(rendered), rendered + bare
    if path.suffix == ".jsonl":
        return "\n".join(json.dumps(json.loads(line), ensure_ascii=False)
                         for line in raw.splitlines() if line.strip()), ""
    return raw, ""


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def scan(text: str, markup: str = "") -> dict[str, int]:
    """How many planted names, phones, e-mails and remote references survive in ``text``, how
    many live remote references (from the planted ones) ``markup`` holds, and how many innocent
    strings are missing although the output prints story text."""
    folded = _fold(text)
    names = sum(len(re.findall(rf"\b{w.lower()}\b", folded)) for w in NAME_WORDS)
    phones = sum(len(re.findall(r"[\s.()\-]*".join(_digits(p)[-7:]), text)) for p in PHONES)
    emails = sum(folded.count(e.lower().split("@")[0]) for e in EMAILS)
    remote = sum(folded.count(m.lower()) for m in REMOTE_MARKERS)
    live = 0
    for m in LIVE.finditer(markup):
        window = markup[m.start(): m.end() + 80].lower()
        live += any(k.lower() in window for k in REMOTE_MARKERS)
    live += sum(1 for m in BARE_LINK.finditer(markup)
                if any(k in markup[m.end(): m.end() + 40].lower() for k in REMOTE_MARKERS))
    prints_stories = "every week" in text
    spaced = " ".join(text.split())
    innocent = sum(s not in spaced for s in INNOCENT) if prints_stories else 0
    return {"names": names, "phones": phones, "emails": emails, "remote": remote,
            "live": live, "innocent_redacted": innocent, "prints_stories": int(prints_stories)}


def probe(fieldwork: Path, out: Path, *, pdf: bool = True, exports: bool = True,
          log: Callable[[str], None] | None = None, min_cell: int | None = None
          ) -> dict[str, dict[str, int] | None]:
    """Build every output of the fixture and scan each; None for an output that was skipped.
    Outputs made of counts also get ``small_cells``."""
    paths = make_outputs(fieldwork, out, pdf=pdf and shutil.which("pdftotext") is not None,
                         exports=exports, min_cell=min_cell)
    results: dict[str, dict[str, int] | None] = {}
    for name, path in paths.items():
        text, markup = read_output(name, path)
        found = scan(text, markup)
        if name in AGGREGATES or name in CLI_AGGREGATES:
            found["small_cells"] = small_cells(text)
        results[name] = found
        if log:
            log(f"{name}: {path}")
    if pdf and "packet PDF" not in paths:
        results["packet PDF"] = None
    return results
