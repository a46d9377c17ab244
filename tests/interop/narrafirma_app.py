"""NarraFirma 1.6.13 as its CSV import and export treat a project, for pni's tests: a model
written from reading ``webapp/source/csvImportExport.ts`` and ``questionnaireGeneration.ts``
(pdfernhout/narrafirma @ cb6c863c); none of their code is copied. What it models:

- "import story form from CSV": the header is the first row that is neither blank nor a ``;``
  comment; cells past the last header name are ``Answers``; ``story`` and ``participant`` rows
  become questions (``annotation`` rows are not read there); a ``Single choice`` or multi-choice
  answer is ``import name|display name``; a ``Scale`` row's third cell is the slider's "does not
  apply" label and the cells from the third on its minimum and maximum; an ``eliciting`` answer
  is ``import|short|text`` (two parts: ``name|text``); ``import`` rows name columns and the
  form's ``Scale range``;
- "import stories from CSV": values trimmed; a choice answer must be an import or display name
  (else an error is logged and the answer dropped); ``Boolean`` keeps the text as it is; a scale
  answer is rescaled from its import range onto 0-100; stories are grouped by participant ID;
- "export story collection": ``Story title, Story text, Collection date, Language, Eliciting
  question``, the story and participant questions (one column per option of a multi-choice), a
  ``;`` second row; a text with a line break wrapped in quotes, then every cell holding the
  delimiter quoted and a cell holding a line break quoted again;
- "export story form" and "export story form for import" (its date column under the type
  "Story text column name").
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

TYPES_OUT = {"select": "Single choice", "slider": "Scale",
             "checkboxes": "Multi-choice multi-column texts", "boolean": "Boolean",
             "text": "Text", "textarea": "Textarea", "radiobuttons": "Radiobuttons"}


@dataclass
class NfQuestion:
    about: str                       # story | participant
    short: str
    text: str
    display_type: str
    import_type: str
    column: str
    options: list[str] = field(default_factory=list)        # valueOptions / slider labels
    import_names: list[str] = field(default_factory=list)
    import_min: str = ""
    import_max: str = ""


@dataclass
class Questionnaire:
    questions: list[NfQuestion] = field(default_factory=list)
    eliciting: list[dict[str, str]] = field(default_factory=list)   # import, id, text
    columns: dict[str, str] = field(default_factory=dict)
    scale_min: str = ""
    scale_max: str = ""
    ignored: list[str] = field(default_factory=list)
    log: list[str] = field(default_factory=list)


def _rows(text: str) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return [r for r in rows if any(c != "" for c in r) and not r[0].strip().startswith(";")]


def _items(text: str) -> list[dict[str, Any]]:
    rows = _rows(text)
    header = []
    for cell in rows[0]:
        if not cell:
            break
        header.append(cell)
    items = []
    for row in rows[1:]:
        item: dict[str, Any] = {header[-1]: []}
        for i, cell in enumerate(row):
            if i < len(header) - 1:
                item[header[i]] = cell.strip()
            elif cell.strip():
                item[header[-1]].append(cell.strip())
        items.append(item)
    return items


def import_form(text: str) -> Questionnaire:
    form = Questionnaire(columns={"title": "Story title", "text": "Story text",
                                  "participant": "Participant ID", "date": "Collection date",
                                  "language": "Language", "eliciting": "Eliciting question"})
    for it in _items(text):
        about, typ, answers = it.get("About"), it.get("Type", "").strip(), it["Answers"]
        if about in ("story", "participant"):
            q = NfQuestion(about, it["Short name"], it["Long name"], "text", typ,
                           it.get("Data column name") or it["Short name"])
            if typ in ("Single choice", "Single choice indexed") or typ.startswith("Multi-"):
                q.display_type = "select" if typ.startswith("Single") else "checkboxes"
                for a in answers:
                    parts = a.split("|")
                    q.import_names.append(parts[0])
                    q.options.append(parts[1] if len(parts) > 1 else parts[0])
                if len(answers) < 2:
                    form.log.append(f"ERROR: {q.short}: a choice needs two answers")
            elif typ == "Boolean":
                q.display_type = "boolean"
            elif typ == "Scale":
                q.display_type = "slider"
                q.options = answers[:3] if len(answers) >= 2 else ["", ""]
                for n, v in enumerate(answers[2:] if len(answers) > 3 else []):
                    if n == 0:
                        q.import_min = v
                    else:
                        q.import_max = v
            form.questions.append(q)
        elif about == "eliciting":
            form.columns["eliciting"] = it.get("Data column name") or "Eliciting question"
            for a in answers:
                parts = a.split("|")
                imp, short, long = (parts * 3)[:3] if len(parts) == 1 else (
                    [parts[0], parts[0], parts[1]] if len(parts) == 2 else parts[:3])
                form.eliciting.append({"import": imp.strip(), "id": short.strip(),
                                       "text": long.strip()})
        elif about == "import" and answers:
            key = {"Story title column name": "title", "Story text column name": "text",
                   "Participant ID column name": "participant",
                   "Story collection date column name": "date",
                   "Language column name": "language"}.get(typ)
            if key:
                form.columns[key] = answers[0]
            elif typ == "Scale range":
                form.scale_min, form.scale_max = answers[0], answers[1]
            elif typ == "Data columns to ignore":
                form.ignored = list(answers)
    return form


def _rescale(v: int, q: NfQuestion, form: Questionnaire) -> int:
    def num(s: str) -> int | None:
        try:
            return int(float(s))
        except ValueError:
            return None
    lo = num(q.import_min) if q.import_min != "" else num(form.scale_min)
    hi = num(q.import_max) if q.import_max != "" else num(form.scale_max)
    if lo is None or hi is None or lo == hi:
        return v
    if v <= lo:
        return 0
    if v >= hi:
        return 100
    return max(0, min(100, round((v - lo) * 100 / (hi - lo))))


def import_stories(form: Questionnaire, text: str) -> list[dict[str, Any]]:
    rows = _rows(text)
    header = []
    for cell in rows[0]:
        if not cell:
            break
        header.append(cell)
    cols = form.columns
    by_column = {q.column: q for q in form.questions}
    stories = []
    for row in rows[1:]:
        st: dict[str, Any] = {"answers": {}}
        for i, name in enumerate(header):
            value = row[i].strip() if i < len(row) else ""
            if value == "":
                continue
            if name == cols["title"]:
                st["title"] = value
            elif name == cols["text"]:
                st["text"] = value
            elif name == cols["date"]:
                if len(value) >= 10 and all(p.isdigit() for p in (value[:4], value[5:7],
                                                                   value[8:10])):
                    st["date"] = value[:10]
                else:
                    form.log.append(f"WARN: collection date {value!r}")
            elif name == cols["language"]:
                st["language"] = value
            elif name == cols["eliciting"]:
                got = next((e["id"] for e in form.eliciting if e["import"] == value), None)
                if got is None:
                    form.log.append(f"ERROR: eliciting question {value!r}")
                st["eliciting"] = got
            elif name == cols["participant"]:
                st["participant"] = value
            elif name in by_column:
                q = by_column[name]
                a = st["answers"]
                if q.import_type in ("Single choice", "Boolean", "Text", "Textarea"):
                    if q.options:
                        idx = next((n for n, o in enumerate(q.options)
                                    if value in (o, q.import_names[n])), None)
                        if idx is None:
                            form.log.append(f"ERROR: {q.short}: no answer {value!r}")
                            continue
                        value = q.options[idx]
                    a[q.short] = value
                elif q.import_type == "Scale":
                    a[q.short] = _rescale(int(float(value.replace(",", "."))), q, form)
                elif q.import_type == "Multi-choice multi-column texts":
                    idx = next((n for n, o in enumerate(q.options)
                                if value in (o, q.import_names[n])), None)
                    if idx is None:
                        form.log.append(f"ERROR: {q.short}: no answer {value!r}")
                        continue
                    a.setdefault(q.short, {})[q.options[idx]] = True
            elif name not in form.ignored:
                form.log.append(f"LOG: no question for data column {name!r}")
        if st.get("text"):
            st.setdefault("eliciting", form.eliciting[0]["id"] if form.eliciting else None)
            stories.append(st)
    return stories


def _line(items: list[Any], d: str = ",") -> str:
    out = []
    for item in items:
        s = "" if item is None else ("true" if item is True else "false" if item is False
                                     else str(item))
        if d in s:
            s = '"' + s.replace('"', '""') + '"'
        if "\n" in s:
            s = '"' + s.replace('"', '""') + '"'
        out.append(s)
    return d.join(out) + "\n"


def export_story_collection(form: Questionnaire, stories: list[dict[str, Any]]) -> str:
    h1 = ["Story title", "Story text", "Collection date", "Language", "Eliciting question"]
    h2 = [";", "", "", "", ""]
    for q in form.questions:
        if q.display_type == "checkboxes":
            h1 += [q.short] * len(q.options)
            h2 += q.options
        else:
            h1.append(q.short)
            h2.append("")
    out = _line(h1) + _line(h2)
    for st in stories:
        text = st["text"]
        if "\n" in text or "\r" in text:
            text = '"' + text + '"'
        row = [st.get("title"), text, st.get("date", ""), st.get("language", ""),
               st.get("eliciting")]
        for q in form.questions:
            v = st["answers"].get(q.short, "")
            if q.display_type == "checkboxes":
                row += [o if isinstance(v, dict) and v.get(o) else "" for o in q.options]
            else:
                row.append(v)
        out += _line(row)
    return out


def _form_rows(form: Questionnaire, for_import: bool) -> str:
    out = _line(["Data column name", "Type", "About", "Short name", "Long name", "Options",
                 "Answers"])
    if for_import:
        out += _line([form.columns["eliciting"], "eliciting", "eliciting", "Eliciting question",
                      "Which question?", "", *(e["import"] for e in form.eliciting)])
    else:
        out += _line(["Eliciting question", "eliciting", "eliciting", "Eliciting question",
                      "Eliciting question", "", *(f"{e['id']}|{e['text']}"
                                                  for e in form.eliciting)])
    for q in form.questions:
        row = [q.column if for_import else q.short, q.import_type if for_import
               else TYPES_OUT[q.display_type], q.about, q.short, q.text, ""]
        if q.display_type == "slider":
            row += q.options
            if for_import:
                row += [q.import_min, q.import_max]
        elif for_import:
            row += [f"{n}|{o}" for n, o in zip(q.import_names, q.options, strict=True)]
        else:
            row += q.options
        out += _line(row)
    if for_import:
        if form.scale_min or form.scale_max:
            out += _line(["", "Scale range", "import", "", "", "", form.scale_min,
                          form.scale_max])
        for typ, key in (("Story title column name", "title"), ("Story text column name", "text"),
                         ("Story text column name", "date"),
                         ("Participant ID column name", "participant")):
            out += _line(["", typ, "import", "", "", "", form.columns[key]])
    return out


def export_story_form(form: Questionnaire) -> str:
    return _form_rows(form, for_import=False)


def export_story_form_for_import(form: Questionnaire) -> str:
    return _form_rows(form, for_import=True)
