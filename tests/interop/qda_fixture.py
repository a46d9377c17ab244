"""A small REFI-QDA project in the layout QualCoder and NVivo write, made in code (our own
content): a code book with a category, case and source variables, text sources in ``sources/``
(UTF-8 with BOM and Windows line endings, as QualCoder's export and MAXQDA's option write them),
one source with inline text, codings on selections and on a whole source, a case coded NVivo's
way (a coding whose code is the case), a note, and PDF, audio and picture sources."""

from __future__ import annotations

import zipfile
from pathlib import Path

G = {name: f"{i:08x}-0000-4000-8000-{i:012x}" for i, name in enumerate([
    "user", "cat", "hope", "fear", "belong", "v_age", "v_years", "v_site", "v_remote",
    "case_ana", "case_ben", "s1", "s2", "s3", "pdf", "mp3", "png", "sel1", "sel2", "sel3",
    "c1", "c2", "c3", "c4", "note"], start=1)}

TEXTS = {
    "s1": "When I moved here nobody knew my name.\nThen Ms. Li asked me to lunch.",
    "s2": "The exam was hard; I failed it the first time and passed the retake.",
    "s3": "Our club met every Friday. It felt like family.",
}


def qde() -> str:
    t1, t2 = TEXTS["s1"], TEXTS["s2"]
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" name="school-stories" origin="QualCoder 3.6" creatingUserGUID="{G['user']}" creationDateTime="2025-05-01T10:00:00Z" xmlns="urn:QDA-XML:project:1.0">
<Users>
<User guid="{G['user']}" name="coder" />
</Users>
<CodeBook>
<Codes>
<Code guid="{G['cat']}" name="Emotions" isCodable="false">
<Code guid="{G['hope']}" name="Hope" isCodable="true" color="#00FF00" />
<Code guid="{G['fear']}" name="Fear" isCodable="true" />
</Code>
<Code guid="{G['belong']}" name="Belonging" isCodable="true" />
</Codes>
</CodeBook>
<Variables>
<Variable guid="{G['v_age']}" name="Age group" typeOfVariable="Text"><Description /></Variable>
<Variable guid="{G['v_years']}" name="Years at school" typeOfVariable="Integer" />
<Variable guid="{G['v_site']}" name="Site" typeOfVariable="Text"><Description>Where</Description></Variable>
<Variable guid="{G['v_remote']}" name="Remote" typeOfVariable="Boolean" />
</Variables>
<Cases>
<Case guid="{G['case_ana']}" name="Ana">
<Description />
<VariableValue><VariableRef targetGUID="{G['v_age']}" /><TextValue>10-12</TextValue></VariableValue>
<VariableValue><VariableRef targetGUID="{G['v_years']}" /><IntegerValue>2</IntegerValue></VariableValue>
<SourceRef targetGUID="{G['s1']}"/>
</Case>
<Case guid="{G['case_ben']}" name="Ben">
<VariableValue><VariableRef targetGUID="{G['v_age']}" /><TextValue>13-15</TextValue></VariableValue>
<VariableValue><VariableRef targetGUID="{G['v_years']}" /><IntegerValue>4</IntegerValue></VariableValue>
</Case>
</Cases>
<Sources>
<TextSource plainTextPath="internal://{G['s1']}.txt" richTextPath="internal://{G['s1']}.docx" creatingUser="{G['user']}" creationDateTime="2025-05-01T10:00:00Z" guid="{G['s1']}" name="Interview Ana.docx">
<Description>first interview</Description>
<PlainTextSelection guid="{G['sel1']}" startPosition="0" endPosition="38" name="{t1[:38]}" creatingUser="{G['user']}" creationDateTime="2025-05-01T10:00:00Z">
<Coding guid="{G['c1']}" creatingUser="{G['user']}" ><CodeRef targetGUID="{G['fear']}" /></Coding>
</PlainTextSelection>
<PlainTextSelection guid="{G['sel2']}" startPosition="39" endPosition="{len(t1)}" name="" creatingUser="{G['user']}">
<Coding guid="{G['c2']}"><CodeRef targetGUID="{G['hope']}" /></Coding>
</PlainTextSelection>
<VariableValue><VariableRef targetGUID="{G['v_site']}" /><TextValue>North</TextValue></VariableValue>
<VariableValue><VariableRef targetGUID="{G['v_remote']}" /><BooleanValue>false</BooleanValue></VariableValue>
</TextSource>
<TextSource plainTextPath="internal://{G['s2']}.txt" guid="{G['s2']}" name="Ben on exams.txt">
<PlainTextSelection guid="{G['sel3']}" startPosition="0" endPosition="{len(t2)}">
<Coding guid="{G['c3']}"><CodeRef targetGUID="{G['case_ben']}" /></Coding>
</PlainTextSelection>
<Coding guid="{G['c4']}"><CodeRef targetGUID="{G['fear']}" /></Coding>
<VariableValue><VariableRef targetGUID="{G['v_site']}" /><TextValue>South</TextValue></VariableValue>
<VariableValue><VariableRef targetGUID="{G['v_remote']}" /><BooleanValue>true</BooleanValue></VariableValue>
</TextSource>
<TextSource guid="{G['s3']}" name="Club memo">
<PlainTextContent>{TEXTS['s3']}</PlainTextContent>
<VariableValue><VariableRef targetGUID="{G['v_site']}" /><TextValue>North</TextValue></VariableValue>
</TextSource>
<PDFSource guid="{G['pdf']}" name="Consent form.pdf" path="internal://{G['pdf']}.pdf" />
<AudioSource guid="{G['mp3']}" name="Focus group.mp3" path="internal://{G['mp3']}.mp3" />
<PictureSource guid="{G['png']}" name="Drawing.png" path="internal://{G['png']}.png" />
</Sources>
<Notes>
<Note guid="{G['note']}" name="Journal" creatingUser="{G['user']}" creationDateTime="2025-05-02T10:00:00Z"><PlainTextContent>Coded twice.</PlainTextContent></Note>
</Notes>
<Description>A small test project.</Description>
</Project>
"""


def write_fixture(path: Path) -> Path:
    """Write the project as QualCoder would: ``project.qde`` and ``sources/``."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("project.qde", qde().encode("utf-8"))
        for key in ("s1", "s2"):
            text = TEXTS[key].replace("\n", "\r\n")
            z.writestr(f"sources/{G[key]}.txt", text.encode("utf-8-sig"))
        z.writestr(f"sources/{G['s1']}.docx", b"PK\x03\x04 not a real docx")
        z.writestr(f"sources/{G['pdf']}.pdf", b"%PDF-1.4\n")
        z.writestr(f"sources/{G['mp3']}.mp3", b"ID3")
        z.writestr(f"sources/{G['png']}.png", b"\x89PNG")
    return path
