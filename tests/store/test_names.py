from pathlib import Path

from pni.ingest.collect import collect
from pni.privacy.known import add_names, name_index, plausible_name
from pni.store import Store
from pni.store.names import count_names


def test_plausible_names() -> None:
    assert plausible_name("Rosa Díaz") and plausible_name("=Bell")
    for not_a_name in ("S-014", "rosa@x.org", "Interviewer", "anonymous", "", "T12"):
        assert not plausible_name(not_a_name)


def test_collect_records_tellers_hashed_and_pseudonymises_rejects(tmp_path: Path) -> None:
    f = tmp_path / "form.csv"
    f.write_text("teller,story\nZora Quinterro,\"I told Quinterro's friend\"\n"
                 "Ilse Varga,\n", "utf-8")
    with Store.open(tmp_path / "pni.db") as db:
        rep = collect(db, [f])
        assert rep.totals["stored"] == 1 and rep.totals["rejected"] == 1
        assert count_names(db) == {"collect": len(db.query("SELECT * FROM known_names"))}
        dump = " ".join(str(v) for r in db.query("SELECT * FROM known_names") for v in r.values())
        assert "varga" not in dump.lower() and "zora" not in dump.lower()
        raw = db.query("SELECT raw FROM rejects")[0]["raw"]
        assert "Varga" not in raw and "Ilse" not in raw and "T-" in raw
        assert name_index(db).redact("ILSE met zora") == "[name] met [name]"
        assert add_names(db, ["S-1", "Interviewer"], "collect") == 0
