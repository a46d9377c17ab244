import json
from pathlib import Path

from typer.testing import CliRunner

from pni.cli import app
from pni.store import Store
from tests.packet.helpers import forbidden, make_hostile

runner = CliRunner()


def test_packet_md_and_html(with_run: tuple[Store, list[str], int], store_path: Path,
                            tmp_path: Path) -> None:
    db, ids, _ = with_run
    names = make_hostile(db, ids, tmp_path)
    out = tmp_path / "out" / "packet.md"
    r = runner.invoke(app, ["packet", "--store", str(store_path), "-o", str(out), "--names",
                            str(names), "--exercise", "all", "--groups", "1"])
    assert r.exit_code == 0, r.stderr
    assert r.stdout.strip() == str(out)
    assert "not printed" in r.stderr and "[name]" in r.stderr
    text = out.read_text("utf-8")
    assert "Story landscape" in text
    for bad in forbidden():
        assert bad not in text


def test_packet_groups_json(with_run: tuple[Store, list[str], int], store_path: Path,
                            tmp_path: Path) -> None:
    r = runner.invoke(app, ["packet", "--store", str(store_path), "-o", str(tmp_path / "p"),
                            "--groups", "2", "--to", "html", "--json"])
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    assert [Path(p).name for p in data["paths"]] == [
        "packet-facilitator.html", "packet-group-1.html", "packet-group-2.html"]
    assert all(Path(p).is_file() for p in data["paths"])
    assert data["packets"][1]["group"] == 1
    kinds = [p["kind"] for p in data["packets"]]
    assert kinds == ["facilitator", "group", "group"]
    fac, g1, g2 = data["packets"]
    assert sorted(fac["codes"]) == sorted(g1["codes"] + g2["codes"])  # each card dealt once
    assert all(c[0].isalpha() and c[1:].isdigit() for c in fac["codes"])


def test_packet_pdf(with_run: tuple[Store, list[str], int], store_path: Path,
                    tmp_path: Path) -> None:
    out = tmp_path / "s.pdf"
    r = runner.invoke(app, ["packet", "--store", str(store_path), "-o", str(out),
                            "--exercise", "landscape", "--axes", "feeling,belonging",
                            "--lens", "cynefin", "--patterns", "1,2", "--groups", "1"])
    assert r.exit_code == 0, r.stderr
    assert out.read_bytes().startswith(b"%PDF")


def test_packet_usage_errors(with_run: tuple[Store, list[str], int], store_path: Path,
                             tmp_path: Path) -> None:
    base = ["packet", "--store", str(store_path), "-o", str(tmp_path / "x.pdf")]
    for extra, msg in ((["--to", "docx"], "--to"), (["--exercise", "dance"], "no exercise"),
                       (["--patterns", "a,b"], "--patterns"), (["--names", "nope.txt"], "not found"),
                       (["--axes", "feeling"], "--axes"), (["--groups", "0"], "--groups")):
        r = runner.invoke(app, base + extra)
        assert r.exit_code == 2, (extra, r.stderr)
        assert msg in r.stderr and "Traceback" not in r.stderr
        assert r.stdout == ""


def test_packet_without_a_run(store_path: Path, store: Store, tmp_path: Path) -> None:
    r = runner.invoke(app, ["packet", "--store", str(store_path), "-o", str(tmp_path / "x.pdf")])
    assert r.exit_code == 1 and "pni cluster" in r.stderr


def test_names_txt_beside_the_store_is_used(with_run: tuple[Store, list[str], int],
                                            store_path: Path, tmp_path: Path) -> None:
    db, _, _ = with_run
    db.execute("UPDATE stories SET text = text || ' Then Jordan Quill helped me.'")
    (store_path.parent / "names.txt").write_text("Jordan Quill\n", "utf-8")
    out = tmp_path / "p.md"
    r = runner.invoke(app, ["packet", "--store", str(store_path), "--to", "md", "-o", str(out),
                            "--groups", "1"])
    assert r.exit_code == 0, r.stderr
    assert "names.txt" in r.stderr
    text = out.read_text("utf-8")
    assert "Quill" not in text and "Jordan" not in text and "name\\]" in text
    raw = runner.invoke(app, ["packet", "--store", str(store_path), "--to", "md", "-o",
                              str(out), "--no-redact", "--groups", "1"])
    assert raw.exit_code == 0 and "names.txt" not in raw.stderr
    assert "Quill" in out.read_text("utf-8")
