from pathlib import Path

import pytest

from pni.errors import DataError
from pni.privacy.policy import settings_names
from pni.settings import Settings, load_settings, save_settings


def test_created_on_first_use_with_defaults(tmp_path: Path) -> None:
    s = load_settings(tmp_path / "pni.db")
    assert (tmp_path / "pni.toml").is_file()
    assert (s.min_cell, s.phone_region, s.include_unknown_consent) == (5, "US", False)
    assert s.names_path() == tmp_path / "names.txt" and settings_names(s) == []
    text = (tmp_path / "pni.toml").read_text("utf-8")
    assert "[privacy]" in text and "min_cell = 5" in text and "# Small-cell" in text


def test_edited_file_is_read(tmp_path: Path) -> None:
    (tmp_path / "staff.txt").write_text("Rosa Diaz\n", "utf-8")
    s = Settings(names_file="staff.txt", min_cell=10, card_questions=["feeling"])
    save_settings(s, tmp_path / "pni.toml")
    back = load_settings(tmp_path / "pni.db")
    assert back.min_cell == 10 and back.card_questions == ["feeling"]
    assert settings_names(back) == ["Rosa Diaz"]
    assert ["min_cell", "10"] in back.describe()


@pytest.mark.parametrize("body", ["[privacy]\nmin_cell = 0\n", "[privacy]\nnope = 1\n",
                                  "[other]\n", "not toml ["])
def test_bad_settings_are_data_errors(tmp_path: Path, body: str) -> None:
    (tmp_path / "pni.toml").write_text(body, "utf-8")
    with pytest.raises(DataError, match=r"pni\.toml"):
        load_settings(tmp_path / "pni.db")


def test_missing_folder_is_not_created(tmp_path: Path) -> None:
    s = load_settings(tmp_path / "nope" / "pni.db")
    assert s.min_cell == 5 and not (tmp_path / "nope").exists()
