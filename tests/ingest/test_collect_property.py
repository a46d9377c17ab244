"""Random tables round-trip: read == stored + duplicates + rejected, and a second run stores
nothing new."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pni.ingest import CollectOptions, collect
from pni.store import Store

cell = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x00"),
               max_size=30)
row = st.tuples(st.one_of(st.none(), st.sampled_from(["a", "b", "c", "d"])), cell, cell,
                st.sampled_from(["yes", "no", "", "maybe"]))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(row, min_size=1, max_size=25))
def test_random_tables_account_for_every_row(rows: list[tuple[str | None, str, str, str]]
                                             ) -> None:
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "t.csv"
        with open(p, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["id", "story", "mood", "consent"])
            for r in rows:
                w.writerow(["" if r[0] is None else r[0], r[1], r[2], r[3]])
        with Store.open(Path(d) / "s.db") as db:
            first = collect(db, [p], CollectOptions())
            f = first.files[0]
            assert f.error is None
            assert f.read == f.stored + f.duplicates + f.rejected
            assert db.scalar("SELECT count(*) FROM stories") == f.stored
            second = collect(db, [p], CollectOptions()).files[0]
            assert second.read == f.read
            assert second.stored == 0
            assert second.duplicates == f.stored + f.duplicates
            assert second.rejected == f.rejected
            assert db.scalar("SELECT count(*) FROM rejects") == f.rejected
