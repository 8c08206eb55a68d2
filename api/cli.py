"""Commands: migrate the database, load seeds, verify evidence quotes. `regsec --help`."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from alembic import command
from alembic.config import Config
from flask import Flask, current_app
from flask.cli import FlaskGroup
from sqlalchemy import func, select

import models as m

from . import db
from .config import PROJECT_ROOT
from .seeding import SeedError, load_seeds
from .verify import verify_quotes

SEEDS = PROJECT_ROOT / "seeds"


def alembic_config(url: str) -> Config:
    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    db.ensure_sqlite_folder(url)
    command.upgrade(alembic_config(url), revision)


def _seed(folder: Path) -> list[str]:
    engine = db.engine(current_app)
    from sqlalchemy.orm import Session

    with Session(engine) as session, session.begin():
        report = load_seeds(session, folder)
    return report.lines()


def register_commands(app: Flask) -> None:
    @app.cli.command("migrate")
    def migrate_cmd() -> None:
        """Upgrade the database schema to the latest Alembic revision."""
        upgrade(current_app.config["DATABASE_URL"])
        click.echo("database at head")

    @app.cli.command("seed")
    @click.option(
        "--folder",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        default=SEEDS,
        show_default=True,
        help="Folder of seed YAML files.",
    )
    @click.option("--if-empty", is_flag=True, help="Load only when no source is loaded yet.")
    def seed_cmd(folder: Path, if_empty: bool) -> None:
        """Validate and load the seed files in one transaction (idempotent upsert)."""
        if if_empty:
            with db.engine(current_app).connect() as conn:
                if conn.scalar(select(func.count()).select_from(m.Source)):
                    click.echo("database already seeded; nothing to do")
                    return
        try:
            lines = _seed(folder)
        except SeedError as exc:
            click.echo(f"seed failed, nothing loaded: {exc}", err=True)
            sys.exit(1)
        for line in lines:
            click.echo(line)

    @app.cli.command("generate")
    @click.option("--commitments", type=click.IntRange(min=1), required=True, help="How many.")
    @click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
    @click.option("--replace", is_flag=True, help="Delete earlier synthetic rows first.")
    @click.option("--check", is_flag=True, help="SQLite: run PRAGMA foreign_key_check after.")
    def generate_cmd(commitments: int, seed: int, replace: bool, check: bool) -> None:
        """Fill the database with synthetic data (benchmarks): N commitments and the rest."""
        from .synthetic import GenerateError, generate

        try:
            report = generate(
                current_app.config["DATABASE_URL"],
                commitments,
                seed=seed,
                replace=replace,
                check=check,
            )
        except GenerateError as exc:
            click.echo(f"generate failed, nothing written: {exc}", err=True)
            sys.exit(1)
        for line in report.lines():
            click.echo(line)

    @app.cli.command("verify")
    @click.argument("texts", type=click.Path(exists=True, file_okay=False, path_type=Path))
    @click.option(
        "--folder",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        default=SEEDS,
        show_default=True,
        help="Folder of seed YAML files.",
    )
    def verify_cmd(texts: Path, folder: Path) -> None:
        """Check every evidence quote occurs verbatim in its source text under TEXTS."""
        try:
            result = verify_quotes(folder, texts)
        except SeedError as exc:
            click.echo(f"verify failed: {exc}", err=True)
            sys.exit(1)
        for problem in result.problems:
            click.echo(f"MISMATCH {problem}", err=True)
        click.echo(
            f"{result.checked} quotes checked, {len(result.problems)} mismatches, "
            f"{result.citations} reference citations (no quote to check)"
        )
        if result.problems:
            sys.exit(1)


def _create_app() -> Flask:
    from . import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=True)
def main() -> None:
    """Regional Security API management commands."""
