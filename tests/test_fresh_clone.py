"""A fresh clone has no instance/ folder: migrating the default SQLite database creates it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, inspect

from api.cli import upgrade
from api.db import make_engine


def test_upgrade_creates_the_sqlite_folder(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'instance' / 'nested' / 'regsec.sqlite3'}"
    upgrade(url)
    engine = create_engine(url)
    assert "commitments" in inspect(engine).get_table_names()
    engine.dispose()


def test_the_app_engine_creates_the_sqlite_folder(tmp_path: Path) -> None:
    folder = tmp_path / "instance"
    engine = make_engine(f"sqlite:///{folder / 'app.sqlite3'}")
    with engine.connect():
        pass
    engine.dispose()
    assert folder.is_dir()
