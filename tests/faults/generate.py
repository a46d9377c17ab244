"""Generate a deterministic corpus of malformed inputs for every reader, form and outcome file.

    python tests/faults/generate.py DEST      # writes DEST/<case files> and DEST/cases.json

Each case names the file, how pni is asked to read it (``collect``, ``form``, ``record``,
``manifest``) and the group it belongs to. The same call always writes the same bytes, so a
failure found once is found again. Used by ``tests/faults/test_corpus.py`` and ``bench/faults.py``.
"""

from __future__ import annotations

import io
import json
import sys
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

GOOD_ROWS = [("S1", "I found my people at the lunch table.", "yes"),
             ("S2", "José stayed late to help me with the project.", "yes")]


@dataclass
class Case:
    name: str          # file name under DEST (or a folder for manifest cases)
    mode: str          # collect | form | record | manifest | special
    group: str         # reader family, for the report
    note: str


# -- byte builders ---------------------------------------------------------------------------
def csv_bytes(rows: list[tuple[str, ...]] | None = None, sep: str = ",", nl: str = "\n") -> bytes:
    rows = rows if rows is not None else GOOD_ROWS
    lines = [sep.join(("id", "story", "consent"))] + [sep.join(r) for r in rows]
    return (nl.join(lines) + nl).encode("utf-8")


def _zip(files: dict[str, bytes | str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data.encode("utf-8") if isinstance(data, str) else data)
    return buf.getvalue()


_XLSX_CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
            'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
            '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
            '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.'
            'xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
            'sharedStrings+xml"/><Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>')
_XLSX_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
              'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http:'
              '//schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
              'Target="xl/workbook.xml"/></Relationships>')
_XLSX_WB = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats'
            '.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships"><sheets><sheet name="{sheet}" sheetId="1" '
            'r:id="rId1"/></sheets></workbook>')
_XLSX_WB_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
                 'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type='
                 '"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"'
                 ' Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.'
                 'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target='
                 '"sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.'
                 'openxmlformats.org/officeDocument/2006/relationships/styles" Target='
                 '"styles.xml"/></Relationships>')
_XLSX_STYLES = ('<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.'
                'openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font/></fonts>'
                '<fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders>'
                '<cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0"/>'
                '<xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>')


def _istr(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def xlsx_bytes(extra_cell: str = "", *, sheet: str = "Stories", shared: str | None = None,
               drop: tuple[str, ...] = (), replace: dict[str, str] | None = None,
               sheet_xml: str | None = None) -> bytes:
    """A small valid workbook (header + two stories + one extra cell in row 3, column D)."""
    rows = ['<row r="1">' + _istr("A1", "id") + _istr("B1", "story") + _istr("C1", "consent")
            + _istr("D1", "extra") + "</row>"]
    for i, (sid, text, consent) in enumerate(GOOD_ROWS, 2):
        cell = extra_cell if i == 3 else ""
        rows.append(f'<row r="{i}">' + _istr(f"A{i}", sid) + _istr(f"B{i}", text)
                    + _istr(f"C{i}", consent) + cell + "</row>")
    body = sheet_xml if sheet_xml is not None else (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.'
        'org/spreadsheetml/2006/main"><sheetData>' + "".join(rows) + "</sheetData></worksheet>")
    files: dict[str, bytes | str] = {
        "[Content_Types].xml": _XLSX_CT, "_rels/.rels": _XLSX_RELS,
        "xl/workbook.xml": _XLSX_WB.format(sheet=sheet), "xl/_rels/workbook.xml.rels":
        _XLSX_WB_RELS, "xl/styles.xml": _XLSX_STYLES, "xl/worksheets/sheet1.xml": body,
        "xl/sharedStrings.xml": shared or (
            '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>shared</t></si></sst>'),
    }
    for k, v in (replace or {}).items():
        files[k] = v
    for k in drop:
        files.pop(k, None)
    return _zip(files)


def docx_bytes(body: str | None = None, drop: tuple[str, ...] = ()) -> bytes:
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    paras = body if body is not None else "".join(
        f"<w:p><w:r><w:t>{t}</w:t></w:r></w:p>" for _, t, _ in GOOD_ROWS)
    files: dict[str, bytes | str] = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.'
            'org/package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
            '"application/xml"/><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
            'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target='
            '"word/document.xml"/></Relationships>'),
        "word/document.xml": f'<?xml version="1.0" encoding="UTF-8"?><w:document {ns}><w:body>'
                             f"{paras}</w:body></w:document>",
    }
    for k in drop:
        files.pop(k, None)
    return _zip(files)


ALIAS_BOMB = "\n".join(
    ["a: &a [" + ",".join(["lol"] * 9) + "]"]
    + [f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]"
       for i in range(8)]) + "\n"


def deep_yaml(n: int) -> str:
    return "x: " + "[" * n + "]" * n + "\n"


def deep_toml(n: int) -> str:
    return "x = " + "[" * n + "]" * n + "\n"


def front(meta: str, body: str = "I remember the day the whole class sang for me.\n") -> bytes:
    return f"---\n{meta}---\n{body}".encode()


# -- the corpus ------------------------------------------------------------------------------
def _csv_cases() -> Iterator[tuple[str, bytes, str]]:
    good = csv_bytes()
    yield "csv_cr_only.csv", csv_bytes(nl="\r"), "CR-only line endings"
    yield "csv_mixed_nl.csv", b"id,story,consent\r\nS1,hello there,yes\rS2,more words,yes\n", "mixed"
    yield "csv_unclosed_quote.csv", b'id,story,consent\nS1,"never closed,yes\nS2,ok,yes\n', "quote"
    yield "csv_nul_middle.csv", good.replace(b"lunch", b"lu\x00nch"), "NUL inside a cell"
    yield "csv_nul_late.csv", good + b"S3," + b"a" * 9000 + b"\x00,yes\n", "NUL after the sniffed head"
    yield "csv_header_only.csv", b"id,story,consent\n", "header only"
    yield "csv_blank_lines.csv", b"\n\n\n   \n", "blank lines only"
    yield "csv_bad_utf8.csv", good.replace("José".encode(), b"Jos\xc3"), "truncated UTF-8"
    yield "csv_bom_bad.csv", b"\xef\xbb\xbf" + good.replace("é".encode(), b"\xff"), "BOM then bad byte"
    yield "csv_utf16_odd.csv", b"\xff\xfe" + "id,story\n".encode("utf-16-le") + b"\x00", "odd UTF-16"
    yield "csv_utf16_nobom.csv", "id,story\nS1,hello\n".encode("utf-16-le"), "UTF-16 without BOM"
    yield "csv_huge_field.csv", b'id,story,consent\nS1,"' + b"word " * 400_000 + b'",yes\n', "2 MB cell"
    yield "csv_many_cols.csv", (",".join(f"c{i}" for i in range(5000)) + "\n"
                                + ",".join("x" for _ in range(5000)) + "\n").encode(), "5000 columns"
    yield "csv_ragged.csv", b"id,story,consent\nS1,a,b,c,d,e\nS2\n", "ragged rows"
    yield "csv_dup_header.csv", b"story,story,story\na,b,c\n", "repeated headers"
    yield "csv_no_text_col.csv", b"a,b\n1,2\n", "no story column"
    yield "csv_only_quotes.csv", b'""""""""\n"""\n', "quotes only"
    yield "csv_control.csv", good.replace(b"lunch", b"lu\x01\x02\x03nch"), "control characters"
    yield "csv_long_line.csv", b"id,story\nS1," + b"x" * 3_000_000 + b"\n", "3 MB line"
    yield "csv_sep_semicolon_mixed.csv", b"id;story,consent\nS1;a,b\n", "mixed separators"
    yield "csv_consent_garbage.csv", csv_bytes([("S1", "text here", "\u202e\u0000")]), "weird consent"
    yield "csv_zip_named.csv", _zip({"a.txt": "hello"}), "a zip archive named .csv"
    yield "csv_pdf_named.csv", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n" + bytes(range(256)), "PDF"
    yield "csv_id_conflict.csv", csv_bytes([("S1", "first text", "yes"), ("S1", "other", "yes")]), "ids"
    yield "csv_lone_surrogate_esc.csv", csv_bytes([("S1", "\\ud800 literal", "yes")]), "escaped"
    yield "csv_cp1252.csv", good.replace("é".encode(), b"\xe9"), "cp1252 byte"
    yield "csv_only_bom.csv", b"\xef\xbb\xbf", "only a BOM"
    yield "csv_newline_in_header.csv", b'"id\n",story\nS1,hello there\n', "newline in header"
    yield "csv_emoji_zwj.csv", csv_bytes([("S1", "👩‍👩‍👧" * 1000, "yes")]), "emoji"
    yield "csv_trailing_garbage.csv", good + b"\x1a\x1a\x1a", "DOS EOF marks"
    yield "tsv_bad.tsv", b"id\tstory\nS1\t\"open\nS2\tfine\n", "TSV with a quote"
    yield "tsv_nul.tsv", b"id\tstory\nS1\t\x00\x00\x00\n", "TSV NUL"
    yield "tab_cr.tab", b"id\tstory\rS1\thello world\r", "TAB CR"
    for i in range(12):  # truncated copies of a good file
        yield f"csv_trunc_{i:02d}.csv", good[: max(1, len(good) * i // 12)], "truncated"
    for i in range(8):  # single flipped bytes
        b = bytearray(good)
        b[(i * 13 + 5) % len(b)] ^= 0x80 | (i * 37 % 128)
        yield f"csv_flip_{i}.csv", bytes(b), "flipped byte"


def _json_cases() -> Iterator[tuple[str, bytes, str]]:
    good = [{"id": s, "story": t, "consent": c} for s, t, c in GOOD_ROWS]
    yield "json_lone_surrogate.json", b'[{"id":"S1","story":"bad \\ud800 here","consent":"yes"}]', "surrogate"
    yield "json_lone_surrogate_key.json", b'[{"\\udfff":"x","story":"good text","consent":"yes"}]', "key"
    yield "json_deep_list.json", b"[" * 100_000 + b"]" * 100_000, "deep list"
    yield "json_deep_obj.json", b'{"a":' * 5000 + b"1" + b"}" * 5000, "deep object"
    yield "json_deep_in_cell.json", (b'[{"id":"S1","story":"ok text","meta":' + b"[" * 3000
                                     + b"]" * 3000 + b"}]"), "deep value"
    yield "json_big_int.json", b'[{"id":' + b"9" * 5000 + b',"story":"ok text"}]', "big int"
    yield "json_big_float.json", b'[{"id":"S1","story":"x","n":1e999999}]', "huge float"
    yield "json_big_frac.json", b'[{"id":"S1","story":"x","n":0.' + b"1" * 6000 + b"}]", "long frac"
    yield "json_nan.json", b'[{"id":"S1","story":NaN,"consent":Infinity}]', "NaN"
    yield "json_trailing_comma.json", b'[{"id":"S1","story":"a"},]', "trailing comma"
    yield "json_scalar.json", b'"just a string"', "scalar"
    yield "json_number.json", b"42", "number"
    yield "json_null.json", b"null", "null"
    yield "json_empty_list.json", b"[]", "empty list"
    yield "json_list_scalars.json", b"[1, 2, 3, null, true]", "list of scalars"
    yield "json_two_lists.json", b'{"a":[1],"b":[2]}', "two lists"
    yield "json_nested_story.json", b'[{"id":"S1","story":{"text":"nested"}}]', "dict story"
    yield "json_list_story.json", b'[{"id":"S1","story":["a","b"]}]', "list story"
    yield "json_bool_keys.json", b'[{"id":true,"story":false,"consent":null}]', "bools"
    yield "json_dup_keys.json", b'[{"story":"a","story":"b"}]', "duplicate keys"
    yield "json_bad_utf8.json", b'[{"story":"caf\xe9 \xff\xfe"}]', "bad utf8"
    yield "json_utf16.json", b"\xff\xfe" + json.dumps(good).encode("utf-16-le"), "utf16"
    yield "json_concat.json", json.dumps(good).encode() * 2, "two documents"
    yield "json_comment.json", b"// comment\n" + json.dumps(good).encode(), "comment"
    yield "json_huge_string.json", (b'[{"id":"S1","story":"' + b"long " * 500_000 + b'"}]'), "2.5 MB"
    yield "json_many_keys.json", json.dumps([{f"k{i}": i for i in range(20_000)}]).encode(), "keys"
    yield "json_single_quote.json", b"[{'id':'S1'}]", "single quotes"
    yield "json_control_in_string.json", b'[{"story":"a\x01b"}]', "raw control char"
    yield "json_bom.json", b"\xef\xbb\xbf" + json.dumps(good).encode(), "BOM"
    for i in range(10):
        data = json.dumps(good).encode()
        yield f"json_trunc_{i}.json", data[: len(data) * i // 10 + 1], "truncated"
    yield "jsonl_surrogate.jsonl", b'{"story":"fine text"}\n{"story":"\\ud800"}\n', "surrogate"
    yield "jsonl_deep.jsonl", b'{"story":"fine text"}\n' + b"[" * 50_000 + b"]" * 50_000 + b"\n", "deep"
    yield "jsonl_big_int.jsonl", b'{"story":"fine text"}\n{"n":' + b"7" * 5000 + b"}\n", "big int"
    yield "jsonl_mixed.jsonl", b'{"story":"fine text"}\n[1,2]\n"str"\nnull\n{bad}\n', "mixed"
    yield "jsonl_blank.jsonl", b"\n\n  \n", "blank"
    yield "jsonl_cr.jsonl", b'{"story":"one story"}\r{"story":"two story"}\r', "CR only"
    yield "jsonl_nan.jsonl", b'{"story":NaN}\n{"story":-Infinity}\n', "NaN"
    yield "jsonl_bad_utf8.jsonl", b'{"story":"ok"}\n{"story":"\xc3\x28"}\n', "bad utf8"
    yield "jsonl_nul.jsonl", b'{"story":"ok"}\n{"story":"\x00"}\n', "NUL"
    yield "jsonl_huge_float.jsonl", b'{"story":"ok here","n":1' + b"0" * 5000 + b'.5}\n', "long float"
    yield "ndjson_dict_story.ndjson", b'{"story":{"a":{"b":{"c":1}}}}\n', "nested story"
    for i in range(6):
        line = b'{"id":"S%d","story":"some text %d"}\n' % (i, i)
        yield f"jsonl_trunc_{i}.jsonl", line * 3 + line[: 3 + i * 4], "truncated last line"


def _xlsx_cases() -> Iterator[tuple[str, bytes, str]]:
    yield "xlsx_good.xlsx", xlsx_bytes(), "control: a good workbook"
    yield "xlsx_num_not_number.xlsx", xlsx_bytes('<c r="D3" t="n"><v>abc</v></c>'), "non-number"
    yield "xlsx_num_empty_v.xlsx", xlsx_bytes('<c r="D3" t="n"><v></v></c>'), "empty number"
    yield "xlsx_nul_cell.xlsx", xlsx_bytes(_istr("D3", "a&#0;b")), "NUL char reference"
    yield "xlsx_nul_raw.xlsx", xlsx_bytes(_istr("D3", "a\x00b")), "raw NUL"
    yield "xlsx_bad_ref.xlsx", xlsx_bytes('<c r="3D" t="n"><v>1</v></c>'), "bad cell reference"
    yield "xlsx_bad_ref2.xlsx", xlsx_bytes('<c r="ZZZZZZZ3"><v>1</v></c>'), "column too far"
    yield "xlsx_bad_ref3.xlsx", xlsx_bytes('<c r=""><v>1</v></c>'), "empty ref"
    yield "xlsx_bad_date.xlsx", xlsx_bytes('<c r="D3" t="d"><v>2026-02-30</v></c>'), "bad ISO date"
    yield "xlsx_bad_date2.xlsx", xlsx_bytes('<c r="D3" t="d"><v>yesterday</v></c>'), "word as date"
    yield "xlsx_date_overflow.xlsx", xlsx_bytes('<c r="D3" s="1"><v>1e30</v></c>'), "serial overflow"
    yield "xlsx_date_negative.xlsx", xlsx_bytes('<c r="D3" s="1"><v>-5000000</v></c>'), "negative"
    yield "xlsx_date_nan.xlsx", xlsx_bytes('<c r="D3" s="1"><v>nan</v></c>'), "NaN date"
    yield "xlsx_missing_shared.xlsx", xlsx_bytes('<c r="D3" t="s"><v>99</v></c>'), "missing string"
    yield "xlsx_shared_not_int.xlsx", xlsx_bytes('<c r="D3" t="s"><v>x</v></c>'), "bad index"
    yield "xlsx_shared_negative.xlsx", xlsx_bytes('<c r="D3" t="s"><v>-1</v></c>'), "negative index"
    yield "xlsx_bad_style.xlsx", xlsx_bytes('<c r="D3" s="99"><v>5</v></c>'), "unknown style"
    yield "xlsx_bad_bool.xlsx", xlsx_bytes('<c r="D3" t="b"><v>maybe</v></c>'), "bad boolean"
    yield "xlsx_error_cell.xlsx", xlsx_bytes('<c r="D3" t="e"><v>#DIV/0!</v></c>'), "error value"
    yield "xlsx_unknown_type.xlsx", xlsx_bytes('<c r="D3" t="zz"><v>1</v></c>'), "unknown type"
    yield "xlsx_no_sheet_xml.xlsx", xlsx_bytes(drop=("xl/worksheets/sheet1.xml",)), "no sheet part"
    yield "xlsx_no_workbook.xlsx", xlsx_bytes(drop=("xl/workbook.xml",)), "no workbook part"
    yield "xlsx_no_ct.xlsx", xlsx_bytes(drop=("[Content_Types].xml",)), "no content types"
    yield "xlsx_no_shared.xlsx", xlsx_bytes('<c r="D3" t="s"><v>0</v></c>',
                                            drop=("xl/sharedStrings.xml",)), "no shared strings"
    yield "xlsx_no_styles.xlsx", xlsx_bytes(drop=("xl/styles.xml",)), "no styles"
    yield "xlsx_bad_xml.xlsx", xlsx_bytes(sheet_xml="<worksheet><sheetData><row>"), "broken XML"
    yield "xlsx_not_xml.xlsx", xlsx_bytes(sheet_xml="\x00\x01garbage"), "sheet is garbage"
    yield "xlsx_bad_wb_xml.xlsx", xlsx_bytes(replace={"xl/workbook.xml": "<workbook>"}), "bad wb"
    yield "xlsx_bad_shared_xml.xlsx", xlsx_bytes(shared="<sst><si>"), "bad shared strings XML"
    yield "xlsx_bad_styles.xlsx", xlsx_bytes(replace={"xl/styles.xml": "<styleSheet"}), "bad styles"
    yield "xlsx_row_zero.xlsx", xlsx_bytes(sheet_xml=(
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="0"><c r="A0"><v>1</v></c></row></sheetData></worksheet>')), "row 0"
    yield "xlsx_row_huge.xlsx", xlsx_bytes(sheet_xml=(
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1">' + _istr("A1", "story") + '</row><row r="9999999999"><c r="A9999999999" '
        't="inlineStr"><is><t>far away story</t></is></c></row></sheetData></worksheet>')), "far row"
    yield "xlsx_dim_huge.xlsx", xlsx_bytes(sheet_xml=(
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension'
        ' ref="A1:XFD1048576"/><sheetData><row r="1">' + _istr("A1", "story") + '</row><row r="2">'
        + _istr("A2", "one story") + "</row></sheetData></worksheet>")), "huge dimension"
    yield "xlsx_entity.xlsx", xlsx_bytes(sheet_xml=(
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;'
        '&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><worksheet xmlns="http:'
        '//schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" '
        't="inlineStr"><is><t>&c;</t></is></c></row></sheetData></worksheet>')), "entities"
    yield "xlsx_sheet_bad_name.xlsx", xlsx_bytes(sheet="a/b\\c?*[]"), "odd sheet name"
    yield "xlsx_truncated.xlsx", xlsx_bytes()[:600], "truncated zip"
    yield "xlsx_zip_junk.xlsx", b"PK\x03\x04" + bytes(range(256)) * 4, "zip magic then junk"
    yield "xlsx_empty_zip.xlsx", _zip({}), "an empty zip"
    yield "xlsx_docx_inside.xlsx", docx_bytes(), "a DOCX named .xlsx"
    yield "xlsx_text.xlsx", csv_bytes(), "CSV named .xlsx"
    yield "xlsx_formula.xlsx", xlsx_bytes('<c r="D3"><f>1/0</f></c>'), "formula without value"
    yield "xlsx_huge_inline.xlsx", xlsx_bytes(_istr("D3", "w " * 600_000)), "1.2 MB cell"
    yield "xlsx_deep_xml.xlsx", xlsx_bytes(_istr("D3", "<b>" * 5000 + "x" + "</b>" * 5000)), "deep"
    for i in range(6):
        b = bytearray(xlsx_bytes())
        pos = len(b) // 2 + i * 97
        b[pos:pos + 8] = b"\xde\xad\xbe\xef\x00\x00\xff\xff"
        yield f"xlsx_corrupt_{i}.xlsx", bytes(b), "corrupted bytes"


def _docx_cases() -> Iterator[tuple[str, bytes, str]]:
    yield "docx_good.docx", docx_bytes(), "control: a good document"
    yield "docx_no_document.docx", docx_bytes(drop=("word/document.xml",)), "no document part"
    yield "docx_no_rels.docx", docx_bytes(drop=("_rels/.rels",)), "no relationships"
    yield "docx_bad_xml.docx", docx_bytes(body="<w:p><w:r>"), "broken XML"
    yield "docx_nul.docx", docx_bytes(body="<w:p><w:r><w:t>a&#0;b</w:t></w:r></w:p>"), "NUL"
    yield "docx_empty.docx", docx_bytes(body=""), "no paragraphs"
    yield "docx_deep.docx", docx_bytes(body="<w:p>" * 3000 + "</w:p>" * 3000), "deep XML"
    yield "docx_front_bomb.docx", docx_bytes(body="".join(
        f"<w:p><w:r><w:t>{ln}</w:t></w:r></w:p>" for ln in ["---", *ALIAS_BOMB.splitlines(),
                                                              "---", "A story after."])), "bomb"
    yield "docx_truncated.docx", docx_bytes()[:300], "truncated"
    yield "docx_xlsx_inside.docx", xlsx_bytes(), "an XLSX named .docx"
    yield "docx_text.docx", b"just text", "text named .docx"
    for i in range(4):
        b = bytearray(docx_bytes())
        pos = len(b) // 3 + i * 53
        b[pos:pos + 6] = b"\x00\xff\x00\xff\x00\xff"
        yield f"docx_corrupt_{i}.docx", bytes(b), "corrupted bytes"


def _document_cases() -> Iterator[tuple[str, bytes, str]]:
    yield "md_bad_date.md", front("date: 2026-02-30\n"), "impossible date"
    yield "md_bad_time.md", front("date: 2026-01-01 25:61:00\n"), "impossible time"
    yield "md_alias_bomb.md", front(ALIAS_BOMB), "YAML alias bomb"
    yield "md_deep_yaml.md", front(deep_yaml(5000)), "deep YAML"
    yield "md_deep_yaml_map.md", front("a:\n" + "".join("  " * i + f" k{i}:\n" for i in
                                                        range(1, 1500))), "deep YAML mapping"
    yield "md_fm_list.md", front("- a\n- b\n"), "front matter is a list"
    yield "md_fm_scalar.md", front("just words\n"), "front matter is a scalar"
    yield "md_fm_bad_yaml.md", front("title: [unclosed\n"), "bad YAML"
    yield "md_fm_tabs.md", front("title:\tx\n\tconsent: yes\n"), "tabs"
    yield "md_fm_unterminated.md", b"---\ntitle: x\nno end here\n", "unterminated"
    yield "md_fm_only.md", b"---\ntitle: nothing else\n---\n", "front matter only"
    yield "md_fm_python_tag.md", front("x: !!python/object/apply:os.system ['true']\n"), "tag"
    yield "md_fm_binary_tag.md", front("x: !!binary AAAA====\n"), "binary tag"
    yield "md_fm_set.md", front("x: !!set {a, b}\n"), "set"
    yield "md_fm_big_int.md", front("n: " + "9" * 5000 + "\n"), "big int"
    yield "md_fm_consent_list.md", front("consent: [yes, no]\n"), "consent list"
    yield "md_fm_title_map.md", front("title: {a: 1}\n"), "title mapping"
    yield "md_fm_date_list.md", front("date: [2026-01-01]\n"), "date list"
    yield "md_fm_key_map.md", front("? [a, b]\n: value\n"), "complex key"
    yield "md_fm_huge.md", front("title: " + "x" * 2_000_000 + "\n"), "2 MB title"
    yield "md_fm_many_keys.md", front("".join(f"k{i}: {i}\n" for i in range(2_000))), "keys"
    yield "md_fm_merge.md", front("a: &a {x: 1}\nb:\n  <<: *a\n  <<: *a\n"), "merge keys"
    yield "md_fm_undefined_alias.md", front("a: *nope\n"), "undefined alias"
    yield "md_fm_dup_keys.md", front("title: a\ntitle: b\n"), "duplicate keys"
    yield "md_fm_tellers_bad.md", front("tellers: 5\n"), "tellers not a list"
    yield "md_fm_null_key.md", front("null: x\n~: y\n"), "null keys"
    yield "md_nul.md", b"# Title\n\nsome \x00 text\n", "NUL"
    yield "md_bad_utf8.md", "# Título\n\nJosé\n".encode("cp1252"), "cp1252"
    yield "md_utf16.md", "\ufeff# hi\n\nstory text here\n".encode("utf-16-le"), "utf16 BOM"
    yield "md_cr_only.md", b"---\rtitle: x\r---\rstory text\r", "CR only"
    yield "md_huge_line.md", b"x" * 3_000_000, "3 MB line"
    yield "md_many_lines.md", b"line\n" * 200_000, "200k lines"
    yield "md_only_ws.md", b"   \n\t\n", "whitespace"
    yield "md_control.md", b"story \x1b[31m red \x1b[0m text\n", "ANSI escapes"
    yield "md_transcript_bad.md", b"Interviewer: hi\nInterviewer: hi\nInterviewer:\n", "listener only"
    yield "txt_bad_date.txt", front("date: 2026-13-45\n"), "impossible date in text"
    yield "txt_alias_bomb.txt", front(ALIAS_BOMB), "alias bomb in text"
    yield "txt_deep_yaml.txt", front(deep_yaml(3000)), "deep YAML in text"
    yield "txt_utf32.txt", "story text".encode("utf-32"), "UTF-32"
    yield "txt_binary.txt", bytes(range(256)) * 8, "binary"
    yield "txt_split_empty.txt", b"\n\n\n\n", "empty blocks"
    yield "txt_surrogate_escape.txt", b"story \xed\xa0\x80 here\n", "encoded surrogate"
    yield "txt_overlong.txt", b"story \xc0\xaf here\n", "overlong UTF-8"
    yield "txt_fm_date_obj.txt", front("date: 2026-01-01T10:00:00+99:00\n"), "bad offset"
    yield "txt_fm_year0.txt", front("date: 0000-01-01\n"), "year 0"
    yield "txt_fm_consent_map.txt", front("consent: {a: b}\n"), "consent mapping"


def _caption_cases() -> Iterator[tuple[str, bytes, str]]:
    cue = "00:00:01.000 --> 00:00:02.000\n<v Ana>I felt at home.\n\n"
    yield "vtt_no_header.vtt", cue.encode(), "no WEBVTT header"
    yield "vtt_bad_time.vtt", b"WEBVTT\n\n00:00:99.000 --> aa:00:02.000\nhello\n", "bad time"
    yield "vtt_neg.vtt", b"WEBVTT\n\n-00:00:01.000 --> 00:00:02.000\nhello\n", "negative"
    yield "vtt_huge_time.vtt", b"WEBVTT\n\n99999999999:00:01.000 --> 99999999999:00:02.000\nhi\n", "huge"
    yield "vtt_empty.vtt", b"WEBVTT\n", "no cues"
    yield "vtt_only_arrows.vtt", b"WEBVTT\n\n-->\n-->\n", "arrows"
    yield "vtt_note_bomb.vtt", ("WEBVTT\n\nNOTE\n" + ALIAS_BOMB + "\n" + cue).encode(), "NOTE bomb"
    yield "vtt_note_deep.vtt", ("WEBVTT\n\nNOTE\n" + deep_yaml(4000) + "\n" + cue).encode(), "deep"
    yield "vtt_note_date.vtt", ("WEBVTT\n\nNOTE\ndate: 2026-02-30\n\n" + cue).encode(), "NOTE date"
    yield "vtt_bad_voice.vtt", b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v >\n\n", "empty voice"
    yield "vtt_nul.vtt", b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nhi\x00\n", "NUL"
    yield "vtt_cr.vtt", cue.replace("\n", "\r").join(["WEBVTT\r\r", ""]).encode(), "CR only"
    yield "txt_webvtt.txt", b"WEBVTT\n\n00:00 --> \n", "VTT sniffed in text"
    yield "srt_bad_index.srt", b"x\n00:00:01,000 --> 00:00:02,000\nhello\n", "bad index"
    yield "srt_bad_time.srt", b"1\n00:00:01,000 --> 00:61:02,000\nhello\n", "bad time"
    yield "srt_no_time.srt", b"1\nhello\n\n2\nworld\n", "no times"
    yield "srt_empty_text.srt", b"1\n00:00:01,000 --> 00:00:02,000\n\n", "no text"
    yield "srt_huge_num.srt", b"1" * 5000 + b"\n00:00:01,000 --> 00:00:02,000\nhello\n", "huge index"
    yield "srt_garbage.srt", bytes(range(32, 127)) * 50, "printable garbage"
    yield "srt_utf16.srt", "1\n00:00:01,000 --> 00:00:02,000\nAna: hi\n".encode("utf-16"), "utf16"


def _form_cases() -> Iterator[tuple[str, bytes, str]]:
    yield "f_deep.form.toml", deep_toml(5000).encode(), "deep TOML"
    yield "f_deep_table.form.toml", ("x = " + "{a = " * 3000 + "1" + "}" * 3000 + "\n").encode(), "deep"
    yield "f_deep.form.yaml", deep_yaml(5000).encode(), "deep YAML"
    yield "f_bomb.form.yaml", ALIAS_BOMB.encode(), "alias bomb"
    yield "f_bomb_questions.form.yaml", (ALIAS_BOMB + "questions: *i\n").encode(), "bomb as questions"
    yield "f_bad.form.toml", b"[[question]\nid = 'x'\n", "bad TOML"
    yield "f_bad.form.yaml", b"questions: [\n", "bad YAML"
    yield "f_scalar.form.yaml", b"42\n", "scalar"
    yield "f_list.form.yaml", b"- a\n- b\n", "list"
    yield "f_q_scalar.form.yaml", b"questions: 5\n", "questions scalar"
    yield "f_q_items_scalar.form.yaml", b"questions: [1, 2]\n", "question items scalar"
    yield "f_q_no_id.form.yaml", b"questions:\n  - kind: choice\n", "no id"
    yield "f_q_bad_kind.form.yaml", b"questions:\n  - id: a\n    kind: wibble\n", "bad kind"
    yield "f_q_options_map.form.yaml", b"questions:\n  - id: a\n    kind: choice\n    options: {x: 1}\n", "opts"
    yield "f_q_scale_str.form.yaml", b"questions:\n  - id: a\n    kind: scale\n    min: low\n    max: high\n", "scale"
    yield "f_q_scale_huge.form.toml", b"[[questions]]\nid='a'\nkind='scale'\nmin=1\nmax=" + b"9" * 5000 + b"\n", "big"
    yield "f_q_dup.form.yaml", b"questions:\n  - id: a\n    kind: text\n  - id: a\n    kind: text\n", "dup"
    yield "f_q_date.form.yaml", b"questions:\n  - id: 2026-02-30\n    kind: text\n", "impossible date id"
    yield "f_bad_utf8.form.yaml", b"questions:\n  - id: caf\xe9\n", "cp1252"
    yield "f_nul.form.toml", b"[[questions]]\nid = 'a\x00'\n", "NUL"
    yield "f_binary.form.toml", bytes(range(256)), "binary"
    yield "f_empty.form.yaml", b"", "empty"
    yield "f_utf16.form.toml", "[[questions]]\nid='a'\n".encode("utf-16"), "UTF-16"
    yield "f_tag.form.yaml", b"questions: !!python/name:os.system\n", "python tag"
    yield "f_text_kind_list.form.yaml", b"questions:\n  - id: a\n    kind: [choice]\n", "kind list"
    yield "f_about_bad.form.yaml", b"questions:\n  - id: a\n    kind: text\n    about: planet\n", "about"
    yield "f_huge_options.form.yaml", ("questions:\n  - id: a\n    kind: choice\n    options: ["
                                       + ",".join(f"o{i}" for i in range(5_000)) + "]\n").encode(), "opts"
    yield "f_wrong_ext.form.json", b"{}", "unknown extension"


def _outcome_cases() -> Iterator[tuple[str, bytes, str]]:
    good = "session,group,exercise,kind,text\n2026-04-10,1,Landscape,discovery,Kids who are heard hope.\n"
    yield "outcomes_cr_only.csv", good.replace("\n", "\r").encode(), "CR-only CSV"
    yield "outcomes_mixed_nl.csv", good.replace("\n", "\r\n", 1).encode(), "CRLF header only"
    yield "outcomes_unclosed.csv", b'kind,text\ndiscovery,"never closed\n', "unclosed quote"
    yield "outcomes_no_kind.csv", b"text\nhello\n", "no kind column"
    yield "outcomes_nul.csv", good.replace("Kids", "Ki\x00ds").encode(), "NUL"
    yield "outcomes_cp1252.csv", good.replace("Kids", "Niños").encode("cp1252"), "cp1252"
    yield "outcomes_huge_field.csv", (b"kind,text\ndiscovery," + b"y" * 3_000_000 + b"\n"), "3 MB"
    yield "outcomes_utf16.csv", good.encode("utf-16"), "UTF-16"
    yield "outcomes_bad_story_ids.csv", (b"kind,text,stories\ndiscovery,hi there,\x7f;;;;\n"), "ids"
    yield "outcomes_fm_bad.md", b"---\nsession: [unclosed\ngroup: 2\n---\n# Landscape\n## Discoveries\n- a thing\n", "bad fm"
    yield "outcomes_fm_list.md", b"---\n- a\n- b\n---\n## Ideas\n- an idea\n", "fm is a list"
    yield "outcomes_fm_bomb.md", ("---\n" + ALIAS_BOMB + "---\n## Ideas\n- an idea\n").encode(), "bomb"
    yield "outcomes_fm_deep.md", ("---\n" + deep_yaml(5000) + "---\n## Ideas\n- idea\n").encode(), "deep"
    yield "outcomes_fm_date.md", b"---\nsession: 2026-02-30\n---\n## Ideas\n- an idea\n", "bad date"
    yield "outcomes_fm_unterminated.md", b"---\nsession: x\n## Ideas\n- an idea\n", "no end"
    yield "outcomes_fm_group_map.md", b"---\ngroup: {a: 1}\n---\n## Ideas\n- an idea\n", "group map"
    yield "outcomes_md_cr.md", b"## Ideas\r- an idea\r- another\r", "CR only"
    yield "outcomes_md_binary.md", bytes(range(1, 256)) * 4, "binary"
    yield "outcomes_yaml_deep.yaml", deep_yaml(5000).encode(), "deep"
    yield "outcomes_yaml_bomb.yaml", (ALIAS_BOMB + "outcomes: *i\n").encode(), "bomb"
    yield "outcomes_yaml_bad.yaml", b"outcomes: [\n", "bad YAML"
    yield "outcomes_yaml_scalar.yaml", b"5\n", "scalar"
    yield "outcomes_yaml_items.yaml", b"outcomes: [1, null, [a]]\n", "scalar items"
    yield "outcomes_yaml_date.yaml", b"outcomes:\n  - kind: idea\n    text: hi\n    session: 2026-02-30\n", "date"
    yield "outcomes_yaml_tag.yaml", b"outcomes: !!python/tuple [1]\n", "python tag"
    yield "outcomes_yaml_multi.yaml", b"outcomes: []\n---\noutcomes: []\n", "two documents"
    yield "outcomes_yaml_text_map.yaml", b"outcomes:\n  - kind: idea\n    text: {a: b}\n", "text map"
    yield "outcomes_yaml_bigint.yaml", b"outcomes:\n  - kind: idea\n    text: hi\n    group: " + b"9" * 5000 + b"\n", "int"
    yield "outcomes_wrong.txt", b"kind,text\nidea,hi\n", "unknown extension"


def _manifest_cases() -> Iterator[tuple[str, bytes, str]]:
    yield "m_bomb", ALIAS_BOMB.encode(), "alias bomb manifest"
    yield "m_deep", deep_yaml(5000).encode(), "deep manifest"
    yield "m_bad", b"collection: [\n", "bad YAML manifest"
    yield "m_list", b"- a\n", "list manifest"
    yield "m_map_scalar", b"map: 5\n", "map scalar"
    yield "m_form_missing", b"form: /nonexistent/form.toml\n", "missing form"
    yield "m_form_dir", b"form: /\n", "form is a folder"
    yield "m_date", b"collection: 2026-02-30\n", "impossible date"
    yield "m_listeners_map", b"listeners: {a: 1}\n", "listeners mapping"
    yield "m_kind_bad", b"kind: wibble\n", "bad kind"
    yield "m_bad_utf8", b"collection: caf\xe9\n", "cp1252"


FAMILIES: list[tuple[str, str, Callable[[], Iterator[tuple[str, bytes, str]]]]] = [
    ("csv", "collect", _csv_cases), ("json", "collect", _json_cases),
    ("xlsx", "collect", _xlsx_cases), ("docx", "collect", _docx_cases),
    ("document", "collect", _document_cases), ("captions", "collect", _caption_cases),
    ("form", "form", _form_cases), ("outcomes", "record", _outcome_cases),
    ("manifest", "manifest", _manifest_cases),
]


def generate(dest: Path, groups: set[str] | None = None) -> list[Case]:
    """Write every case (of ``groups``, default all) under ``dest`` and return them, in a stable
    order."""
    dest.mkdir(parents=True, exist_ok=True)
    cases: list[Case] = []
    for group, mode, make in FAMILIES:
        if groups is not None and group not in groups:
            continue
        for name, data, note in make():
            if mode == "manifest":
                folder = dest / name
                folder.mkdir(exist_ok=True)
                (folder / "pni.yaml").write_bytes(data)
                (folder / "stories.csv").write_bytes(csv_bytes())
            else:
                (dest / name).write_bytes(data)
            cases.append(Case(name, mode, group, note))
    (dest / "cases.json").write_text(json.dumps([asdict(c) for c in cases], indent=1))
    return cases


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    cases = generate(Path(argv[0]))
    print(f"{len(cases)} cases written to {argv[0]}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
