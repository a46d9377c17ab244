"""Encodings: valid UTF-8 is never re-decoded; other bytes are decoded by the encoding detected
on the whole file (Cyrillic and Greek stay readable); --encoding forces one; lines that needed
replacement characters are named."""

from __future__ import annotations

from pathlib import Path

import pytest

from pni.errors import DataError
from pni.ingest import CollectOptions, collect
from pni.ingest.detect import decode
from pni.store import Store
from pni.store.stories import list_stories

RU = ("Мы пошли в школу, и учитель сказал нам, что всё будет хорошо. "
      "Потом мы долго сидели во дворе и говорили о лете.")
EL = ("Πήγαμε στο σχολείο και ο δάσκαλος μας είπε ότι όλα θα πάνε καλά. "
      "Μετά καθίσαμε στην αυλή και μιλήσαμε για το καλοκαίρι.")


@pytest.mark.parametrize(("text", "enc"), [(RU, "cp1251"), (EL, "cp1253")])
def test_non_latin_legacy_encodings_are_detected(tmp_path: Path, text: str, enc: str) -> None:
    p = tmp_path / "s.csv"
    data = f'id,story\n1,"{text}"\n'.encode(enc)
    got, notice = decode(data, p)
    assert text in got
    assert notice and f"read as {enc} (detected)" in notice


def test_valid_utf8_is_taken_as_it_is(tmp_path: Path) -> None:
    data = "id,story\n1,Ça va — très bien\n".encode()
    assert decode(data, tmp_path / "s.csv") == (data.decode(), None)


def test_forced_encoding_and_replacement_lines(store: Store, tmp_path: Path) -> None:
    p = tmp_path / "s.csv"
    p.write_bytes(f'id,story\n1,"{RU}"\n2,"bad \x98 byte"\n'.encode("cp1251", "replace")
                  .replace(b"?", b"\x98"))
    rep = collect(store, [p], CollectOptions(encoding="cp1251"))
    f = rep.files[0]
    assert (f.read, f.stored) == (2, 2)
    assert any("read as cp1251 (--encoding)" in n and "line 3" in n for n in f.notices)
    assert RU in [s.text for s in list_stories(store)]


def test_too_little_text_to_tell_fails_with_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="--encoding NAME"):
        decode(b'id,story\n1,"\x81\x8d bad"\n', tmp_path / "s.csv")
