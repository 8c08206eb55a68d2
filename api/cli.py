"""Commands: migrate the database, load seeds, verify evidence quotes. `regsec --help`."""

from __future__ import annotations

import os
import platform
import sys
from collections.abc import Mapping
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
        click.echo(f"malloc huge pages: {huge_pages_setting() or 'not requested'}")

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
def cli() -> None:
    """Regional Security API management commands."""


# glibc's malloc (2.35 and newer) backs its heap with transparent huge pages (2 MB) when
# this tunable is set; it reads it once, when the process starts. A 1M-commitment SQLite load
# keeps a ~2.7 GB page cache of 4 KB pages in that heap: with huge pages, ~0.8M fewer page
# faults and fewer TLB misses walking the B-trees. 1M load on a 2-core AMD EPYC, three
# alternated pairs: 93.8 -> 82.4 s, 89.9 -> 84.2 s, 104.6 -> 99.4 s (the machine's speed
# drifts between pairs); main process page faults 1.25-1.38M -> 0.45-0.62M.
HUGE_PAGES = "glibc.malloc.hugetlb=1"


def huge_pages_setting(environ: Mapping[str, str] = os.environ) -> str | None:
    """The hugetlb item of GLIBC_TUNABLES this process started with (set by `main`, or by
    the user, any value), or None."""
    items = environ.get("GLIBC_TUNABLES", "").split(":")
    return next((i for i in items if i.startswith("glibc.malloc.hugetlb=")), None)


def glibc_reads_hugetlb() -> bool:
    """This process runs on glibc 2.35 or newer, which knows the tunable."""
    libc, version = platform.libc_ver()
    return libc == "glibc" and tuple(int(p) for p in version.split(".")[:2]) >= (2, 35)


def with_huge_pages(environ: dict[str, str]) -> dict[str, str] | None:
    """`environ` with HUGE_PAGES added to GLIBC_TUNABLES, or None where it would do nothing
    (not glibc, glibc older than 2.35) or the user already chose a value."""
    if not glibc_reads_hugetlb() or huge_pages_setting(environ) is not None:
        return None
    tunables = environ.get("GLIBC_TUNABLES", "")
    return {**environ, "GLIBC_TUNABLES": ":".join(filter(None, (tunables, HUGE_PAGES)))}


def main() -> None:
    """The `regsec` console script. `regsec generate` runs in a process started with
    HUGE_PAGES (the command re-executes itself once, with the same arguments): the tunable
    cannot be set from inside a running process; the second start costs the imports again
    (~1.2 s), against 5-11 s saved at 1M commitments. Every other command runs as it is."""
    if sys.argv[1:2] == ["generate"]:
        environ = with_huge_pages(dict(os.environ))
        if environ is not None:
            sys.stdout.flush()
            os.execve(sys.executable, sys.orig_argv, environ)
    cli()
