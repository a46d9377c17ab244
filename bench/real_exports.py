"""Every transcript layout and survey platform pni reads, one file each, collected as a new user
would: pni's own fixtures in each layout (tests/fixtures/ingest) and the public files in
../shared/real-exports (read from there, never copied into the repository). For each file it
prints read = stored + duplicates + rejected and the speakers / turns / stories pni found beside
the file's ground truth (counted by hand from the file, or, for the public Descript transcript,
by a separate regular expression over its speaker lines), then `ok` or what differs.

    python bench/real_exports.py [/work/shared/real-exports] [--notices] [--suggested]

``--notices`` prints every notice; ``--suggested`` also runs each public file again with the
options its notices suggest, and once more to show that re-collecting stores nothing new.
Last, the NarraFirma example makes the round trip NarraFirma CSV -> pni -> `pni export
narrafirma` -> `pni collect`, and every answer that did not survive is listed.

Nothing is copied into the repository; every run uses temporary stores.
"""

from __future__ import annotations

import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pni.ingest import CollectOptions, collect
from pni.ingest.collect import parse_consent_map
from pni.ingest.mapping import parse_map
from pni.ingest.models import FileReport
from pni.store import Store

DEFAULT = Path("/work/shared/real-exports")
FIX = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "ingest"
TX, PLAT = FIX / "transcripts", FIX / "platforms"


@dataclass
class Case:
    """One file in one layout, the options a user would give, and what the file holds."""

    layout: str
    path: Path
    opts: dict[str, Any] = field(default_factory=dict)
    stories: int | None = None   # stories the file holds (None: not counted by hand)
    speakers: int | None = None  # people speaking, listener included (transcripts)
    turns: int | None = None     # speaker-labelled turns (transcripts)
    rejected: int = 0            # records that must be refused
    refused: bool = False        # the whole file must be refused, with the choice named
    public: bool = False


def cases(shared: Path) -> list[Case]:
    nf = PLAT / "narrafirma"
    out = [
        Case("speaker-colon TXT (Rev)", TX / "rev.txt", stories=2, speakers=2, turns=7),
        Case("speaker-colon, Korean labels", TX / "korean.txt", stories=3, speakers=2, turns=6),
        Case("oral history: header + SURNAME:", TX / "oral_history.txt", stories=3, speakers=2,
             turns=6),
        Case("Markdown ### Speaker headings", TX / "headings.md", stories=3, speakers=2,
             turns=6),
        Case("Descript Markdown (own)", TX / "descript.md", stories=2, speakers=2, turns=7),
        Case("Otter TXT (Name  0:03)", TX / "otter.txt", stories=2, speakers=2, turns=6),
        Case("Otter TXT, one-turn speaker", TX / "otter_oneturn.txt", stories=3, speakers=3,
             turns=7),
        Case("Otter bold in Markdown", TX / "otter_bold.md", stories=3, speakers=2, turns=6),
        Case("QualCoder [id1] focus group", TX / "focus_group.txt", refused=True, speakers=3,
             turns=6),
        Case("QualCoder, --kind kiva-panel", TX / "focus_group.txt", {"kind": "kiva-panel"},
             stories=5, speakers=3, turns=6),
        Case("time-stamped lines, no names", TX / "podcast.txt", stories=1, speakers=0,
             turns=0),
        Case("Zoom VTT (Name: cues)", TX / "zoom.vtt", stories=2, speakers=2, turns=6),
        Case("Zoom VTT, two-person meeting", TX / "meeting.vtt", refused=True, speakers=2,
             turns=8),
        Case("VTT meeting, --kind other", TX / "meeting.vtt", {"kind": "other"}, stories=1,
             speakers=2, turns=8),
        Case("Teams VTT (<v Name>)", TX / "teams.vtt", stories=3, speakers=3, turns=6),
        Case("Teams VTT, id voices", TX / "teams_ids.vtt", stories=3, speakers=3, turns=7),
        Case("SRT Host:/Guest:", TX / "host_guest.srt", stories=2, speakers=2, turns=6),
        Case("SRT without names", TX / "nospeakers.srt", stories=1, speakers=0, turns=0),
        Case("Teams DOCX transcript", TX / "teams.docx", stories=3, speakers=2, turns=8),
        Case("transcript table CSV", TX / "table.csv", stories=2, speakers=2, turns=6),
        Case("Qualtrics current (3 rows)", PLAT / "qualtrics.csv", stories=3),
        Case("Qualtrics legacy (V1..V10)", PLAT / "qualtrics_legacy.csv", stories=2),
        Case("Qualtrics 2017 ('ImportId')", PLAT / "qualtrics_2017.csv", stories=2),
        Case("Google Forms CSV", PLAT / "gforms.csv", stories=3, rejected=1),
        Case("Microsoft Forms XLSX", PLAT / "msforms.xlsx", stories=3),
        Case("Microsoft Forms quiz XLSX", PLAT / "msforms_quiz.xlsx", stories=3),
        Case("SurveyMonkey expanded CSV", PLAT / "surveymonkey.csv", stories=2),
        Case("SurveyMonkey contact block", PLAT / "surveymonkey_contact.csv", stories=3),
        Case("KoboToolbox CSV (;)", PLAT / "kobo.csv", stories=3),
        Case("ODK Central CSV", PLAT / "odk.csv", stories=2),
        Case("Alchemer/SurveyGizmo CSV", PLAT / "alchemer.csv", stories=3),
        Case("NarraFirma CSV + form", nf / "stories.csv", {"form": nf / "story_form.csv"},
             stories=4),
    ]
    public = [
        Case("Descript Markdown (public)", shared / "descript-md" / "audrow_ep4_descript.md",
             speakers=2, turns=_labelled_turns(shared / "descript-md" /
                                               "audrow_ep4_descript.md")),
        Case("Google Forms TSV (public)", shared / "gforms-tsv" /
             "learning_r_2018_es_form_responses_1.tsv", stories=163, rejected=132),
        Case("NarraFirma example + form", shared / "nf-example" /
             "narrafirma_example_stories.csv",
             {"form": shared / "nf-example-form" / "narrafirma_example_story_form.csv"},
             stories=80),
        Case("Qualtrics sample (public)", shared / "qualtrics" / "qualtrics_sample.csv",
             stories=1),
        Case("DOCX paragraphs (QualCoder)", shared / "qualcoder-docx" / "ID1.docx", stories=1),
    ]
    for c in public:
        c.public = True
    return out + [c for c in public if c.path.exists()]


def _labelled_turns(path: Path) -> int | None:
    """Speaker-labelled paragraphs holding words in a Descript file, counted without pni's
    parser."""
    if not path.exists():
        return None
    return sum(1 for line in path.read_text(encoding="utf-8").splitlines()
               if re.match(r"^\[\d{2}:\d{2}:\d{2}\] \*\*[^*]+:\*\*\s*\S", line))


_SPEAKERS = re.compile(r"speakers: (.*)$")
_TURNS = re.compile(r"\((\d+) turns?\)")


def found(rep: FileReport) -> tuple[int | None, int | None]:
    """Speakers and turns pni says it found (from the transcript notice)."""
    for n in rep.notices:
        m = _SPEAKERS.search(n)
        if m:
            if m.group(1) == "none":
                return 0, 0
            turns = [int(x) for x in _TURNS.findall(m.group(1))]
            return len(turns), sum(turns)
    m = _SPEAKERS.search(rep.error or "") or re.search(r"conversation: [^(]*\((.*)\); choose",
                                                       rep.error or "")
    if m:
        turns = [int(x) for x in _TURNS.findall(m.group(1))]
        return len(turns), sum(turns)
    return None, None


def table(shared: Path, notices: bool) -> int:
    """The one-file-per-layout table; returns how many files differ from their truth."""
    head = (f"{'layout':<33} {'read':>4} {'stored':>6} {'dup':>3} {'rej':>3}  "
            f"{'speakers':>8} {'turns':>5} {'stories':>7}   truth: {'spk':>3} {'turns':>5}"
            f" {'stories':>7}  check")
    print(head)
    print("-" * len(head))
    bad = 0
    for c in cases(shared):
        with tempfile.TemporaryDirectory() as tmp:
            db = Store.open(Path(tmp) / "pni.db", create=True)
            try:
                rep = collect(db, [c.path], CollectOptions(**c.opts)).files[0]
            finally:
                db.close()
        spk, turns = found(rep)
        problems = []
        if c.refused != bool(rep.error):
            problems.append(f"error: {rep.error}" if rep.error else "not refused")
        if not rep.balanced:
            problems.append("UNBALANCED")
        checks = [("speakers", c.speakers, spk), ("turns", c.turns, turns)]
        if not c.refused:
            checks += [("stories", c.stories, rep.stored), ("rejected", c.rejected, rep.rejected)]
        problems += [f"{what} {got} (want {want})" for what, want, got in checks
                     if want is not None and want != got]
        check = "ok" if not problems else "; ".join(problems)
        if c.refused and not problems:
            check = "refused, naming speakers and options"
        bad += bool(problems)

        def cell(v: int | None, w: int) -> str:
            return f"{'-' if v is None else v:>{w}}"
        print(f"{c.layout[:33]:<33} {rep.read:>4} {rep.stored:>6} {rep.duplicates:>3}"
              f" {rep.rejected:>3}  {cell(spk, 8)} {cell(turns, 5)} {rep.stored:>7}   truth:"
              f" {cell(c.speakers, 3)} {cell(c.turns, 5)} {cell(c.stories, 7)}  {check}")
        if notices:
            for n in [*rep.notices, *([rep.error] if rep.error else [])]:
                print(f"    {n}")
    print(f"\n{len(cases(shared))} files, {bad} differ from their ground truth")
    return bad

SUGGESTION = re.compile(r"(--map|--listener|--kind|--platform|--encoding|--consent-map|"
                        r"--teller-question|--form)[ =]('[^']*'|\"[^\"]*\"|[^\s;,)]+)")
PLACEHOLDERS = {"NAME", "COLUMN", "FILE", "KEY=COLUMN", "text=COLUMN", "date=COLUMN",
                "STORY_FORM.csv", "NAME,NAME"}


def suggestions(rep: FileReport) -> list[tuple[str, str]]:
    """Options the notices and the error name with a concrete value."""
    text = " ".join([*rep.notices, rep.error or ""])
    out = []
    for opt, val in SUGGESTION.findall(text):
        val = val.strip("'\"")
        if val not in PLACEHOLDERS and not val.isupper():
            out.append((opt, val))
    return list(dict.fromkeys(out))


def options(found: list[tuple[str, str]], file: Path, root: Path) -> CollectOptions | None:
    kw: dict[str, object] = {}
    maps: list[str] = []
    for opt, val in found:
        if opt == "--map":
            maps.append(val if "=" in val else f"text={val}")
        elif opt == "--listener":
            kw.setdefault("listeners", []).append(val)  # type: ignore[union-attr]
        elif opt == "--consent-map":
            kw["consent_map"] = parse_consent_map(val)
        elif opt == "--teller-question":
            kw.setdefault("teller_questions", []).append(val)  # type: ignore[union-attr]
        else:  # the first suggestion of a single-valued option is the notice's main one
            kw.setdefault(opt[2:].replace("-", "_"), val)
    if maps:
        kw["mapping"] = parse_map(maps)
    form = _narrafirma_form(file, root)
    if form is not None and "form" not in kw:
        kw["form"] = form
    return CollectOptions(**kw) if kw else None  # type: ignore[arg-type]


def _narrafirma_form(file: Path, root: Path) -> Path | None:
    """The user has NarraFirma's story form beside the story export (here: its own folder)."""
    if "narrafirma" not in file.name or "form" in file.name:
        return None
    forms = sorted(root.glob("*form*/*.csv"))
    return forms[0] if forms else None


def line(label: str, rep: FileReport) -> str:
    what = rep.format or "?"
    if rep.platform:
        what += f"/{rep.platform}"
    if rep.kind:
        what += f" ({rep.kind})"
    ok = "ok" if rep.read == rep.stored + rep.duplicates + rep.rejected else "UNBALANCED"
    s = (f"  {label:<10} read {rep.read:>4} = stored {rep.stored:>4} + duplicates"
         f" {rep.duplicates:>3} + rejected {rep.rejected:>3} [{ok}]  {what}")
    if rep.error:
        s += f"\n             error: {rep.error}"
    return s


def one(file: Path, opts: CollectOptions | None) -> FileReport | None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Store.open(Path(tmp) / "pni.db", create=True)
        try:
            rep = collect(db, [file], opts)
            again = collect(db, [file], opts) if rep.files and not rep.files[0].error else None
        finally:
            db.close()
    if not rep.files:
        print(f"  skipped: {rep.skipped[0].reason if rep.skipped else '?'}")
        return None
    f = rep.files[0]
    print(line("options:" if opts else "no options", f))
    for n in f.notices:
        print(f"             notice: {n}")
    if again is not None:
        print(line("again", again.files[0]))
    return f


def main(root: Path) -> None:
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.name != "README.md")
    for file in files:
        print(f"{file.relative_to(root)}")
        with tempfile.TemporaryDirectory():
            first = one(file, None)
        if first is None:
            continue
        opts = options(suggestions(first), file, root)
        if opts is not None:
            given = opts.model_dump(exclude_defaults=True)
            print(f"  with the suggested options {given}")
            one(file, opts)
        print()


def _snapshot(db: Store) -> tuple[dict[str, Any], dict[str, tuple[str, str]]]:
    from pni.store import stories as q

    stories = {" ".join(s.text.split()): s for s in q.list_stories(db)}
    kinds = {qu.id: (qu.kind, qu.about) for qu in q.get_questions(db)}
    return stories, kinds


def narrafirma_round_trip(root: Path) -> None:
    """The NarraFirma example, collected with its form, exported with `pni export narrafirma`
    (every story, nothing redacted: a move between one's own tools) and collected again."""
    from pni.interop.narrafirma import write_narrafirma
    from pni.interop.scope import ExportOptions, gather

    stories_csv = sorted((root / "nf-example").glob("*.csv"))
    form = sorted((root / "nf-example-form").glob("*.csv"))
    if not stories_csv or not form:
        print("NarraFirma round trip: nf-example or nf-example-form missing")
        return
    print("NarraFirma round trip: nf-example -> pni -> pni export narrafirma -> pni collect")
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        with Store.open(t / "a.db", create=True) as a:
            collect(a, stories_csv[:1], CollectOptions(form=form[0]))
            before, kinds_before = _snapshot(a)
            write_narrafirma(gather(a, ExportOptions(all_stories=True, redact=False)), t / "nf")
        with Store.open(t / "b.db", create=True) as b:
            rep = collect(b, [t / "nf"])
            after, kinds_after = _snapshot(b)
    f = rep.files[0]
    print(line("back in", f))
    lost: list[str] = []
    n_answers = 0
    for key, s in before.items():
        got = after.get(key)
        if got is None:
            lost.append(f"story {s.title!r}: not collected back")
            continue
        for attr in ("title", "prompt", "date", "language", "consent"):
            if getattr(s, attr) != getattr(got, attr):
                lost.append(f"story {s.title!r}: {attr} {getattr(s, attr)!r} ->"
                            f" {getattr(got, attr)!r}")
        for which in ("answers", "teller_answers"):
            old, new = getattr(s, which), getattr(got, which)
            n_answers += len(old)
            for qid, v in old.items():
                if new.get(qid) != v:
                    lost.append(f"story {s.title!r}: {qid} {v!r} -> {new.get(qid)!r}")
    for qid, kind in kinds_before.items():
        if kinds_after.get(qid) != kind:
            lost.append(f"question {qid}: {kind} -> {kinds_after.get(qid)}")
    print(f"  {len(before)} stories, {n_answers} answers, {len(kinds_before)} questions compared;"
          f" {len(lost)} did not survive")
    for x in lost[:20]:
        print(f"    {x}")
    if len(lost) > 20:
        print(f"    ... and {len(lost) - 20} more")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    where = Path(args[0]) if args else DEFAULT
    table(where, "--notices" in sys.argv)
    if "--suggested" in sys.argv:
        print()
        main(where)
    print()
    narrafirma_round_trip(where)
