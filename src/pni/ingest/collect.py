"""The collect pipeline: expand paths, read each file into candidates, validate, deduplicate,
and write each file in ONE transaction, with an ``imports`` row and its ``rejects``.

Accounting: for every file, ``read == stored + duplicates + rejected``. A duplicate is a record
whose content hash (normalized text + teller + prompt) is already stored or appeared earlier in
this collect. A record whose source id is already used by a different story is rejected.
"""

from __future__ import annotations

import json
import os
import stat
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pni.errors import DataError, PniError, UsageError
from pni.ingest.detect import detect_reader, supported
from pni.ingest.formfile import load_form
from pni.ingest.forms import Form, blank, to_bool
from pni.ingest.guard import failure_reject, reader_boundary, record_failure
from pni.ingest.imports import Replacement
from pni.ingest.manifest import MANIFEST_NAMES, manifests_for
from pni.ingest.models import (
    Candidate,
    CollectOptions,
    CollectReport,
    FileReport,
    FileSettings,
    Skipped,
)
from pni.ingest.readers.base import ReadContext, Reader, ReadResult
from pni.limits import MAX_STORY_CHARS, check_regular
from pni.models import SOURCE_KINDS, ImportRecord, Provenance, Question, Reject, Story
from pni.progress import Progress
from pni.store import Store
from pni.store import stories as q

FORM_NAMES = ("form.toml", "form.yaml", "form.yml")


class _Rollback(Exception):
    """Raised inside a transaction to undo it (``--dry-run``)."""


def _silent(stage: str, done: int, total: int | None = None, detail: str = "") -> None:
    """No progress callback given: report nothing."""


# -- paths ---------------------------------------------------------------------------------------
def skip_reason(path: Path, named_forms: set[Path]) -> str | None:
    """Why a file met while walking a folder is not collected (None: collect it)."""
    name = path.name
    low = name.casefold()
    if name.startswith("."):
        return "hidden file"
    if name.startswith("~$"):
        return "office lock file"
    if low in MANIFEST_NAMES:
        return "folder manifest (its settings are used)"
    if low in FORM_NAMES or low.endswith((".form.toml", ".form.yaml", ".form.yml")) \
            or path.resolve() in named_forms:
        return "form file (its questions are used)"
    if _form_csv(path):
        return "NarraFirma story form (its questions are used for the CSV files beside it)"
    if low == "names.txt":
        return "names file for redaction"
    if low.startswith("outcomes"):
        return "outcomes file (for pni record)"
    if low.startswith(("annotations", "export_annotations")) and low.endswith(".csv"):
        return "NarraFirma annotation file (the story CSV beside it holds the stories)"
    if low.startswith(("readme", "license", "licence", "changelog")):
        return "read-me / licence file"
    if path.suffix.lower() in (".toml", ".yaml", ".yml"):
        return "configuration file"
    if not supported(path):
        return f"unsupported file type {path.suffix or '(no extension)'}"
    return None


def _form_csv(path: Path) -> bool:
    """Whether a .csv file is a NarraFirma story form rather than stories."""
    if path.suffix.lower() != ".csv" or not path.is_file():  # a FIFO would block
        return False
    from pni.ingest.readers.narrafirma import is_form_csv

    try:
        with open(path, "rb") as fh:
            head = fh.read(8192)
    except OSError:
        return False
    return is_form_csv(head.decode("utf-8", "replace").lstrip("\ufeff"))


def expand(paths: list[Path], form: Path | None = None
           ) -> tuple[list[tuple[Path, Path]], list[Skipped]]:
    """Files to collect, each with the root it was found under, and the files skipped (and why).
    Folders are walked recursively in name order, hidden folders skipped; a missing path raises
    ``UsageError``."""
    files: list[tuple[Path, Path]] = []
    skipped: list[Skipped] = []
    named_forms = {form.resolve()} if form else set()
    seen: set[Path] = set()
    for p in paths:
        if not p.exists():
            raise UsageError("no such file or folder", file=p)
        if not p.is_dir():
            check_regular(p)
            if p.resolve() not in seen:
                seen.add(p.resolve())
                files.append((p, p.parent))
            continue
        found: list[Path] = []
        for dirpath, dirnames, filenames in os.walk(p):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "__")))
            d = Path(dirpath)
            for mname in MANIFEST_NAMES:
                if (d / mname).is_file():
                    try:
                        from pni.ingest.manifest import parse_manifest

                        f = parse_manifest(d / mname).settings.get("form")
                        if f:
                            named_forms.add(Path(f).resolve())
                    except PniError:
                        pass
            found.extend(d / f for f in sorted(filenames))
        for f in found:
            reason = _special(f) or skip_reason(f, named_forms)
            if reason:
                skipped.append(Skipped(path=str(f), reason=reason))
            elif f.resolve() not in seen:
                seen.add(f.resolve())
                files.append((f, p))
    return files, skipped


def _special(path: Path) -> str | None:
    """Why a file met in a folder is not read although its name looks right (a FIFO or device
    would block or never end; a broken link has nothing behind it)."""
    try:
        mode = path.stat().st_mode
    except OSError as e:
        return f"cannot be read: {e.strerror}"
    if stat.S_ISREG(mode):
        return None
    return "a FIFO, socket or device, not a regular file"


# -- settings ------------------------------------------------------------------------------------
@dataclass
class _Resolved:
    settings: FileSettings
    meta: dict[str, Any]
    form: Form | None
    notices: list[str]


def _settings(file: Path, root: Path, opts: CollectOptions, form: Form | None,
              forms_beside: bool) -> _Resolved:
    merged: dict[str, Any] = {}
    meta: dict[str, Any] = {}
    form_from: Path | None = None
    for m in manifests_for(file, root):
        for k, v in m.settings.items():
            merged[k] = {**merged.get(k, {}), **v} if k == "map" else v
        if "form" in m.settings:
            form_from = m.path
        meta.update(m.meta)
    notices: list[str] = []
    if form is None:
        fpath = merged.get("form")
        if fpath:
            try:
                form = load_form(Path(fpath))
            except PniError as e:
                raise DataError(f"the form it names cannot be used: {e}", file=form_from,
                                locator="form") from e
        elif forms_beside:
            beside = [file.parent / n for n in FORM_NAMES]
            if file.suffix.lower() == ".csv":
                beside += sorted(p for p in file.parent.glob("*.csv") if p != file
                                 and _form_csv(p))
            for p in beside:
                if p.is_file():
                    form = load_form(p)
                    notices.append(f"questions from {p.name} beside the file")
                    break
    s = FileSettings(
        collection=opts.collection or merged.get("collection") or file.parent.resolve().name,
        kind=opts.kind or merged.get("kind"),
        mapping={**merged.get("map", {}), **opts.mapping},
        form=form.path if form else None,
        sheet=opts.sheet,
        split=opts.split,
        listeners=[*merged.get("listeners", []), *opts.listeners],
        language=opts.language or merged.get("language"),
    )
    return _Resolved(s, meta, form, notices)


def _declared_forms(files: list[tuple[Path, Path]], opts: CollectOptions,
                    form: Form | None) -> list[Form]:
    """Every form the files of this collect will use, read up front so that no file infers a
    question that another file's form declares. A form that fails to load is left for the file's
    own turn, where it is reported."""
    found: dict[Path | None, Form] = {} if form is None else {form.path: form}
    for file, root in files:
        try:
            res = _settings(file, root, opts, form, detect_reader(file).forms_beside)
        except (PniError, OSError):
            continue
        if res.form is not None:
            found.setdefault(res.form.path, res.form)
    return list(found.values())


# -- reading ------------------------------------------------------------------------------------
def read_file(file: Path, label: str, reader: Reader, res: _Resolved, known: dict[str, Question],
              opts: CollectOptions) -> ReadResult:
    """Candidates of one file (with their provenance), the questions they answer, inferred kinds,
    notices and the default source kind, from the file's registered reader."""
    from pni.ingest.detect import forced_encoding

    with forced_encoding(opts.encoding):
        return reader.read(ReadContext(path=file, label=label, settings=res.settings,
                                       form=res.form, meta=res.meta, known=known, options=opts))


# -- the pipeline --------------------------------------------------------------------------------
def _consent(v: str | None, mapping: dict[str, str] | None = None) -> str | None:
    """yes, no or unknown: from ``--consent-map`` (or the form's) first, then the usual words.
    Anything else is None (the record is rejected): consent is never guessed from a first word."""
    if blank(v):
        return "unknown"
    s = str(v).strip().casefold()
    if mapping and s in mapping:
        return mapping[s]
    if s in ("yes", "no", "unknown"):
        return s
    if s in ("unknown", "?", "n/a", "na", "not asked", "unsure"):
        return "unknown"
    b = to_bool(s)
    return None if b is None else ("yes" if b else "no")


def parse_consent_map(text: str) -> dict[str, str]:
    """``"yes=Sí,I agree;no=No"`` -> ``{"sí": "yes", "i agree": "yes", "no": "no"}``."""
    out: dict[str, str] = {}
    for part in text.split(";"):
        if not part.strip():
            continue
        key, sep, vals = part.partition("=")
        key = key.strip().casefold()
        if not sep or key not in ("yes", "no", "unknown"):
            raise UsageError(f"--consent-map {text!r}: write yes=VALUE,VALUE;no=VALUE"
                             " (keys yes, no, unknown)")
        for v in vals.split(","):
            if v.strip():
                out[v.strip().casefold()] = key
    return out


def _label(file: Path, base: Path) -> str:
    """How a file is named in the store: relative to the store's folder when it lies below it
    (so collecting again from another working folder names it the same), else absolute.
    Symbolic links are kept as given, not resolved."""
    path = Path(os.path.abspath(file))
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return str(path)


class _Batch:
    """State shared by the files of one collect: hashes and source ids already taken."""

    def __init__(self, db: Store, opts: CollectOptions):
        self.db, self.opts = db, opts
        self.hashes = q.existing_hashes(db)
        self.ids: dict[str, dict[str, tuple[str, str]]] = {}
        self.teller_cache: dict[str, str] = {}
        self.known = {qu.id: qu for qu in q.get_questions(db)}

    def source_ids(self, collection: str) -> dict[str, tuple[str, str]]:
        if collection not in self.ids:
            self.ids[collection] = q.source_ids(self.db, collection)
        return self.ids[collection]

    def teller_id(self, key: str) -> str:
        tid = self.teller_cache.get(key)
        if tid is None:
            tid = self.teller_cache[key] = q.teller_id_for(self.db, key)
        return tid


MAX_UNREAD_NOTICES = 20  # answers left unanswered named one by one, then counted


def unread_notices(cands: list[Candidate]) -> list[str]:
    """Each answer a reader could not read (file place and reason), its story kept."""
    unread = [(f"sheet {c.sheet!r}, " if c.sheet else "") + u for c in cands for u in c.unread]
    out = unread[:MAX_UNREAD_NOTICES]
    if len(unread) > MAX_UNREAD_NOTICES:
        out.append(f"... and {len(unread) - MAX_UNREAD_NOTICES} more answer(s) left unanswered,"
                   " their stories kept")
    return out


def seen_names(cands: list[Candidate], listeners: list[str]) -> list[str]:
    """Every person's name the candidates of one file carry: tellers (not source ids or
    e-mail addresses: see ``plausible_name``), speakers, listeners and recipients."""
    from pni.ingest.transcripts import DEFAULT_LISTENERS

    out: dict[str, None] = dict.fromkeys(n for n in listeners if n not in DEFAULT_LISTENERS)
    for c in cands:
        if c.teller and c.teller.strip():
            out[c.teller.strip()] = None
        for n in c.names:
            if n and n.strip():
                out[n.strip()] = None
    return list(out)


def _pseudonymise(batch: _Batch, c: Candidate) -> str:
    """A rejected record's raw text with its teller's name replaced by the teller's pseudonym
    and other names it carries by [name], as stories are stored."""
    from pni.privacy.known import plausible_name
    from pni.privacy.names import NameIndex

    raw = c.raw
    teller = c.teller.strip() if c.teller and c.teller.strip() else None
    if teller and teller in raw:
        raw = raw.replace(teller, batch.teller_id(teller))
    names = [n for n in [teller or "", *c.names] if n and plausible_name(n)]
    if not names:
        return raw
    idx = NameIndex(b"rejects")
    idx.add_names(names)
    return idx.redact(raw)


def _process(batch: _Batch, cands: list[Candidate], label: str, collection: str,
             default_kind: str, rep: FileReport, progress: Progress
             ) -> tuple[list[Story], list[Reject], list[tuple[str, str | None]]]:
    stories: list[Story] = []
    rejects: list[Reject] = []
    tellers: dict[str, str | None] = {}
    ids = batch.source_ids(collection)
    file_ids: dict[str, tuple[str, str]] = {}
    keep_names = batch.opts.keep_names
    step = max(1000, len(cands) // 100)

    def reject(c: Candidate, reason: str) -> None:
        raw = c.raw if keep_names else _pseudonymise(batch, c)
        rejects.append(Reject(file=label, locator=c.locator, reason=reason, raw=raw))

    for i, c in enumerate(cands):
        if i % step == 0 and i:
            progress("rows", i, len(cands), label)
        if c.error:
            reject(c, c.error)
            continue
        if c.text is None or not c.text.strip():
            reject(c, "empty story text")
            continue
        if len(c.text) > MAX_STORY_CHARS:
            reject(c, f"story text is {len(c.text):,} characters; pni stores up to"
                   f" {MAX_STORY_CHARS:,} (split it into stories)")
            continue
        consent = _consent(c.consent, batch.opts.consent_map)
        if consent is None:
            reject(c, f"consent {c.consent!r} matches no consent value: map it, e.g."
                   f" --consent-map \"yes={c.consent}\" (or no=...)")
            continue
        kind = c.kind or default_kind
        if kind not in SOURCE_KINDS:
            reject(c, f"kind {kind!r} is not one of {', '.join(SOURCE_KINDS)}")
            continue
        prompt = c.prompt.strip() if c.prompt else None
        teller_key = c.teller.strip() if c.teller and c.teller.strip() else None
        record = c.record_key if teller_key is None else None
        if teller_key is None and c.teller_answers:
            teller_key = "anon:" + q.content_hash(c.text, None, prompt, record)
        tid = batch.teller_id(teller_key) if teller_key else None
        h = q.content_hash(c.text, tid, prompt, record)
        sid = c.source_id.strip() if c.source_id and c.source_id.strip() else None
        if sid is not None:
            if sid in file_ids:
                other_loc, other_h = file_ids[sid]
                if other_h != h:
                    reject(c, f"duplicate id {sid!r} (also {other_loc}) with different text")
                    continue
            elif sid in ids and ids[sid][1] != h:
                reject(c, f"id {sid!r} is already stored as {ids[sid][0]} with different text"
                       " (give the changed story a new id, or remove the stored one)")
                continue
            else:
                file_ids[sid] = (c.locator, h)
        if h in batch.hashes:
            rep.duplicates += 1
            continue
        batch.hashes.add(h)
        story_id = q.story_id_for(h)
        if sid is not None:
            ids[sid] = (story_id, h)
        if tid is not None:
            anon = teller_key is None or teller_key.startswith("anon:")
            name = c.teller if keep_names and not anon else None
            if tid not in tellers or name:
                tellers[tid] = name
        stories.append(Story.model_construct(
            id=story_id, text=c.text, title=c.title, prompt=prompt, source_kind=kind,
            source_id=sid, collection=collection, teller_id=tid, date=c.date,
            language=c.language, consent=consent, content_hash=h,
            provenance=Provenance.model_construct(file=label, sheet=c.sheet, locator=c.locator,
                                                  meta=c.meta or None),
            answers=c.answers, teller_answers=c.teller_answers,
        ))
    rep.stored = len(stories)
    rep.rejected = len(rejects)
    return stories, rejects, list(tellers.items())


def collect(db: Store, paths: list[Path], opts: CollectOptions | None = None,
            progress: Progress | None = None) -> CollectReport:
    """Collect every story in ``paths`` into the store and account for every record.

    One file is one transaction: a file either lands whole (stories, answers, its import row
    and its rejects) or not at all. A file that cannot be read as a whole (binary, bad
    encoding, bad mapping...) is reported with ``error`` and the others go on. With
    ``opts.dry_run`` each transaction is rolled back; the counts are those a real run would give.
    """
    opts = opts or CollectOptions()
    progress = progress or _silent
    if opts.kind is not None and opts.kind not in SOURCE_KINDS:
        raise UsageError(f"{opts.kind!r}: choose one of {', '.join(SOURCE_KINDS)}", param="kind")
    _check_options(opts)
    form = load_form(opts.form) if opts.form else None
    files, skipped = expand(paths, opts.form)
    report = CollectReport(batch=uuid.uuid4().hex[:12], dry_run=opts.dry_run, skipped=skipped)
    batch = _Batch(db, opts)
    base = Path(os.path.abspath(db.path.parent if db.path is not None else Path.cwd()))
    for f in _declared_forms(files, opts, form):
        for qu in f.questions:  # a declared question beats one inferred from an earlier file
            if qu.id not in batch.known or batch.known[qu.id].inferred:
                batch.known[qu.id] = qu
    options_json = json.loads(opts.model_dump_json())
    for n, (file, root) in enumerate(files, 1):
        label = _label(file, base)
        progress("files", n - 1, len(files), label)
        rep = FileReport(file=label)
        report.files.append(rep)
        try:
            with reader_boundary(file):
                reader = detect_reader(file)
                if _form_csv(file):
                    raise DataError("this is a NarraFirma story form, not stories: give it with"
                                    " --form FILE when collecting its story CSV", file=file)
                fmt = rep.format = reader.name
                res = _settings(file, root, opts, form, reader.forms_beside)
                rep.collection = res.settings.collection
                got = read_file(file, label, reader, res, batch.known, opts)
                rep.platform = got.platform
                cands, questions, notices = got.candidates, got.questions, got.notices
                kind, inferred = got.kind, got.inferred
        except (PniError, OSError) as e:
            _fail(db, report, rep, e, file, options_json, progress)
            continue
        rep.kind = kind
        rep.notices = res.notices + notices + unread_notices(cands)
        report.inferred.extend(inferred)
        report.skipped.extend(got.skipped)
        rep.read = len(cands)
        replacing = Replacement.prepare(db, label, batch.hashes, batch.source_ids) \
            if opts.replace else None
        stories, rejects, tellers = _process(batch, cands, label, res.settings.collection, kind,
                                             rep, progress)
        try:
            with db.transaction():
                taken = q.hashes_among(db, [s.content_hash for s in stories])
                if replacing is not None:  # the replaced import's own stories are not taken
                    taken -= set(replacing.old)
                if taken:  # another pni stored them since this collect began: duplicates
                    stories = [s for s in stories if s.content_hash not in taken]
                    rep.stored, rep.duplicates = len(stories), rep.duplicates + len(taken)
                cid = q.ensure_collection(db, res.settings.collection)
                rep.import_id = q.start_import(db, ImportRecord(
                    batch=report.batch, file=label, options={**options_json, "format": fmt}))
                for qu in questions.values():
                    q.upsert_question(db, qu)
                q.ensure_tellers_many(db, tellers)
                from pni.privacy.known import add_names

                add_names(db, seen_names(cands, res.settings.listeners), "collect")
                new = stories if replacing is None else replacing.store(
                    db, stories, collection_id=cid, import_id=rep.import_id)
                q.insert_stories_many(db, new, collection_id=cid, import_id=rep.import_id)
                for r in rejects:
                    r.import_id = rep.import_id
                q.add_rejects_many(db, rejects)
                q.finish_import(db, rep.import_id, read=rep.read, stored=rep.stored,
                                duplicates=rep.duplicates, rejected=rep.rejected)
                if replacing is not None:
                    rep.notices.extend(replacing.finish(db))
                    rep.replaced = replacing.import_ids
                if opts.dry_run:
                    raise _Rollback
        except _Rollback:
            rep.import_id = None
            for r in rejects:
                r.import_id = None
        except UnicodeEncodeError as e:  # text no reader caught: the file fails, not the collect
            _fail(db, report, rep, DataError(f"holds text that is not valid Unicode ({e.reason})",
                                             file=file), file, options_json, progress)
            continue
        for qu in questions.values():
            if not qu.inferred or batch.known.get(qu.id, qu).inferred:
                batch.known[qu.id] = qu
        report.rejects.extend(rejects)
        progress("rows", len(cands), len(cands), label)
    progress("files", len(files), len(files), "")
    return report


def _check_options(opts: CollectOptions) -> None:
    from pni.ingest.readers import base

    p = opts.platform
    if p and p.casefold() not in ("none", "plain", "table") and base.platform(p) is None:
        raise UsageError(f"--platform {p!r}: choose one of "
                         + ", ".join(x.name for x in base.platforms()) + " or none")
    if opts.encoding:
        import codecs

        try:
            codecs.lookup(opts.encoding)
        except LookupError:
            raise UsageError(f"--encoding {opts.encoding!r} is not an encoding Python knows"
                             " (e.g. utf-8, cp1251, iso-8859-7)") from None


def _fail(db: Store, report: CollectReport, rep: FileReport, e: PniError | OSError, file: Path,
          options: dict[str, Any], progress: Progress) -> None:
    """A file that cannot be read as a whole: reported, and stored like a row reject."""
    rep.error = str(e) if isinstance(e, PniError) else f"{rep.file}: {e.strerror or e}"
    rej = failure_reject(e, file, rep.file)
    rep.import_id = record_failure(db, rej, report.batch, options, report.dry_run)
    report.rejects.append(rej)


def write_rejects(rejects: list[Reject], path: Path) -> None:
    """Rejects as CSV or JSON Lines (by extension: .jsonl/.ndjson, else CSV)."""
    import csv

    from pni.privacy.spreadsheet import safe_cell

    fields = ["file", "locator", "reason", "raw"]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
            for r in rejects:
                fh.write(json.dumps(r.model_dump(include=set(fields)), ensure_ascii=False) + "\n")
        else:
            w = csv.writer(fh)
            w.writerow(fields)
            for r in rejects:
                w.writerow([safe_cell(v) for v in (r.file, r.locator or "", r.reason, r.raw or "")])
