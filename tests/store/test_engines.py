"""One store, two engines: a postgresql:// URL is a database (never a folder), passwords never
show, and both engines hold the same schema."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from pni.errors import StoreError
from pni.paths import resolve_store
from pni.store import Store, migration_names
from pni.store import vectors as vq
from pni.store.url import StoreURL, mask, parse_store
from tests.store.postgres import location_for, server

REPO = Path(__file__).resolve().parents[2]
SECRET = "pa55-w0rd-xyz"
URL = f"postgresql://ana:{SECRET}@127.0.0.1:9/district"


def _pni(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    e = {**os.environ, "PYTHONPATH": f"{REPO / 'src'}", **env}
    e.pop("PNI_STORE", None)
    e.update(env)
    return subprocess.run([sys.executable, "-m", "pni", *args], capture_output=True, text=True,
                          cwd=cwd, env=e, timeout=60)


@pytest.mark.parametrize("how", ["option", "env"])
def test_a_url_is_a_database_not_a_folder(tmp_path: Path, how: str) -> None:
    """The bug this fixes: `PNI_STORE=postgresql://...` made a folder named `postgresql:` and a
    SQLite file in it. Now pni connects (here: nothing listens) and says so, password masked."""
    args = ["status", "--store", URL] if how == "option" else ["status"]
    res = _pni(*args, cwd=tmp_path, **({"PNI_STORE": URL} if how == "env" else {}))
    assert res.returncode == 1
    assert "cannot connect to the PostgreSQL store" in res.stderr
    assert "postgresql://ana:***@127.0.0.1:9/district" in res.stderr
    assert SECRET not in res.stderr + res.stdout
    assert list(tmp_path.iterdir()) == []  # no postgresql: folder, no pni.db


def test_resolve_store_keeps_the_url(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PNI_STORE", "postgresql:///district?host=/run/postgresql")
    got = resolve_store()
    assert isinstance(got, StoreURL)
    assert got.url == "postgresql:///district?host=/run/postgresql"
    assert got.parent == tmp_path  # pni.toml and names.txt: the working directory
    assert resolve_store("x/p.db") == Path("x/p.db")
    assert isinstance(parse_store(URL), StoreURL) and str(parse_store(URL)) == mask(URL)
    from pni.settings import settings_path

    assert settings_path(got) == tmp_path / "pni.toml"


def test_mask_hides_every_form_of_password() -> None:
    assert mask(URL) == "postgresql://ana:***@127.0.0.1:9/district"
    assert SECRET not in mask(f"host=db password={SECRET} user=ana")
    assert SECRET not in mask(f"the server said: {SECRET} is wrong", URL)
    assert mask("postgresql://ana@db/district") == "postgresql://ana@db/district"
    assert SECRET not in repr(StoreURL(URL)) and SECRET not in os.fspath(StoreURL(URL))


def test_missing_project_and_foreign_database(tmp_path: Path) -> None:
    """As a foreign SQLite file is (tests/faults), a database holding other tables is refused."""
    store_location = location_for("postgresql", tmp_path)
    with pytest.raises(StoreError, match="no pni project in this database yet"):
        Store.open(store_location, create=False)
    import psycopg

    with psycopg.connect(store_location, autocommit=True) as conn:
        conn.execute("CREATE TABLE customers (id int)")
    with pytest.raises(StoreError, match=r"not a pni store: .*\(customers\)"):
        Store.open(store_location)


def test_both_engines_hold_the_same_schema(tmp_path: Path) -> None:
    """Every table and column the migrations make on SQLite exists on PostgreSQL, in order."""
    schemas = []
    for engine in ("sqlite", "postgresql"):
        with Store.open(location_for(engine, tmp_path)) as db:
            assert db.applied_migrations() == migration_names()
            schemas.append({t: db.columns(t) for t in db.table_names()})
    assert schemas[0] == schemas[1]


def test_vectors_round_trip_exactly(store: Store) -> None:
    rng = np.random.default_rng(0)
    vecs = [rng.standard_normal(384).astype(np.float32) for _ in range(3)]
    with store.transaction():
        vq.put_vectors(store, [(f"k{i}", "m", "b", f"h{i}", v, 1) for i, v in enumerate(vecs)])
        vq.put_vectors(store, [("k0", "m", "b", "h0", vecs[1], 1)])  # an existing key stays
    got = vq.get_vectors(store, ["k0", "k1", "k2", "nope"], 384)
    assert sorted(got) == ["k0", "k1", "k2"]
    for i, v in enumerate(vecs):
        assert np.array_equal(got[f"k{i}"].vector, v)
    assert vq.count_vectors(store, model="m") == 3


def test_transaction_is_all_or_nothing(store: Store) -> None:
    from pni.store import stories as q

    with pytest.raises(RuntimeError), store.transaction():
        q.ensure_collection(store, "a")
        with store.transaction():  # nested joins the outer one
            q.ensure_collection(store, "b")
        raise RuntimeError
    assert store.scalar("SELECT count(*) FROM collections") == 0
    assert not store.in_transaction
    assert q.ensure_collection(store, "c") == q.ensure_collection(store, "c")


def test_postgres_server_is_used_in_ci() -> None:
    """In CI the PostgreSQL half of every parametrised test must run, never skip."""
    if os.environ.get("CI", "").lower() not in ("1", "true", "yes"):
        pytest.skip("only checked in CI")
    assert server().url()


def test_nul_character_is_named_on_postgresql(store: Store, engine: str) -> None:
    """SQLite keeps a U+0000 in text, PostgreSQL cannot: one line saying so, nothing written."""
    from pni.store import stories as q

    if engine == "sqlite":
        q.ensure_collection(store, "a\x00b")
        return
    with pytest.raises(StoreError, match="NUL character"), store.transaction():
        q.ensure_collection(store, "first")
        q.ensure_collection(store, "a\x00b")
    assert store.scalar("SELECT count(*) FROM collections") == 0


def test_a_postgresql_project_reads_its_policy_from_the_working_folder(tmp_path: Path) -> None:
    """pni.toml and names.txt of a URL store are the working folder's: a name in names.txt is
    redacted in what the store prints, as beside a SQLite file."""
    url = location_for("postgresql", tmp_path)
    (tmp_path / "names.txt").write_text("Zorblat Quince\n", "utf-8")
    (tmp_path / "s.csv").write_text("id,teller,story,consent\n1,Ana,At lunch Zorblat Quince"
                                    " saved me a seat at the long table.,yes\n", "utf-8")
    assert _pni("collect", "s.csv", cwd=tmp_path, PNI_STORE=url).returncode == 0
    res = _pni("stories", "list", "--json", cwd=tmp_path, PNI_STORE=url)
    assert res.returncode == 0, res.stderr
    assert "[name] saved me a seat" in res.stdout and "Zorblat" not in res.stdout
    assert (tmp_path / "pni.toml").is_file()
