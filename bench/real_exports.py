"""Collect every file in the shared real exports as a new user would: first with no options,
then with the options the notices (or the error) suggest, then once more to show that
re-collecting stores nothing new. Prints, per file, read = stored + duplicates + rejected and
what was recognised. Last, the NarraFirma example makes the round trip NarraFirma CSV -> pni ->
`pni export narrafirma` -> `pni collect`, and every answer that did not survive is listed.

    python bench/real_exports.py [/work/shared/real-exports]

Nothing is copied into the repository; every run uses temporary stores.
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path
from typing import Any

from pni.ingest import CollectOptions, collect
from pni.ingest.collect import parse_consent_map
from pni.ingest.mapping import parse_map
from pni.ingest.models import FileReport
from pni.store import Store

DEFAULT = Path("/work/shared/real-exports")
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
        for field in ("title", "prompt", "date", "language", "consent"):
            if getattr(s, field) != getattr(got, field):
                lost.append(f"story {s.title!r}: {field} {getattr(s, field)!r} ->"
                            f" {getattr(got, field)!r}")
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
    where = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    main(where)
    narrafirma_round_trip(where)
