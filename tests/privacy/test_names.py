from pni.privacy import Redactor
from pni.privacy.names import NameIndex, fold, name_keys, name_words


def test_case_accent_and_possessive_insensitive() -> None:
    r = Redactor(["Rosa Diaz"])
    for form in ("Díaz", "DIAZ", "Diaz's", "Dr. Díaz", "diaz", "Díaz’s"):
        out = r.redact(f"I saw {form} today.")
        assert "iaz" not in out and "IAZ" not in out and "[name]" in out, (form, out)
    assert r.redact("Diaz's bag") == "[name]'s bag"
    assert r.redact("Dr. Díaz came") == "Dr. [name] came"
    assert r.redact("Rosa Díaz came") == "[name] came"


def test_ordinary_words_only_capitalised() -> None:
    r = Redactor(["Will Bell", "Grace"])
    assert r.redact("I will ring the bell with grace") == "I will ring the bell with grace"
    assert r.redact("Will came, then BELL, then Grace") == "[name] came, then [name], then [name]"


def test_accented_text_names_and_hyphens() -> None:
    r = Redactor(["José Núñez-García"])
    assert r.redact("JOSE and Nunez and garcía") == "[name] and [name] and [name]"


def test_index_keeps_hashes_only() -> None:
    idx = NameIndex(b"k")
    idx.add_names(["Zora Quinterro"])
    assert all("zora" not in k and "quinterro" not in k for k in idx.keys)
    assert idx.redact("zora met Quinterro's dog") == "[name] met [name]'s dog"
    other = NameIndex(b"other-salt")
    other.add_names(["Zora Quinterro"])
    assert set(other.keys).isdisjoint(idx.keys)  # keyed by the store's salt


def test_name_keys_and_words() -> None:
    assert fold("Núñez’s") == "nunez's"
    assert name_keys("", b"k") == [] and name_keys("Ms.", b"k") == []
    assert name_words(["Ms. Díaz", "=Bell"]) == {"diaz", "bell"}


def test_redactor_switches() -> None:
    r = Redactor(["Rosa"], contacts=False)
    assert r.redact("Rosa a@b.org") == "[name] a@b.org"


def test_where_a_story_came_from_is_redacted_too() -> None:
    """A file named after its teller ("Interview with Maria Lopez.docx") names them in every
    output that shows where a story came from: exports, `stories show`."""
    from pni.models import Provenance, Story
    from pni.privacy import Redactor

    s = Story(id="S-1", text="It rained.", content_hash="h", source_id="Maria Lopez/turn-3",
              provenance=Provenance(file="interviews/Interview with Maria Lopez.docx",
                                    sheet="MARIA", locator="turn 3"))
    out = Redactor(["Maria Lopez"]).redact_story(s)
    assert out.provenance is not None
    assert out.provenance.file == "interviews/Interview with [name].docx"
    assert out.provenance.sheet == "[name]" and out.source_id == "[name]/turn-3"
    assert Redactor(["Maria Lopez"], enabled=False).redact_story(s).provenance == s.provenance
