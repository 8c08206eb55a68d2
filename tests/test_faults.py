"""Database faults: every wait is bounded, a stopped PostgreSQL answers 503 problem+json with
Retry-After fast (never a hang, never a 500), and the app recovers by itself.

The outage tests start a private PostgreSQL cluster (marker `pgcluster`): initdb + pg_ctl
from /usr/lib/postgresql/*/bin, run as the `postgres` OS user when the tests run as root,
in a temp dir, on a free 127.0.0.1 port, trust auth. They are skipped, with the reason,
where those binaries are missing. The other tests need no server.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, text
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session

from api import create_app, db
from api.cli import upgrade
from api.config import PROJECT_ROOT, from_env
from api.seeding import load_seeds

SEEDS = PROJECT_ROOT / "seeds"
TOO_LONG = "The query took too long and was cancelled; retry shortly or narrow the request."
UNAVAILABLE = "The database is unavailable; retry shortly."

# ---- no server needed ----------------------------------------------------------------


def test_settings_come_from_the_environment() -> None:
    defaults = from_env({})
    assert defaults["DB_CONNECT_TIMEOUT"] == 3
    assert defaults["DB_STATEMENT_TIMEOUT_MS"] == 5000
    assert defaults["DB_POOL_TIMEOUT"] == 2 and defaults["DB_POOL_RECYCLE"] == 1800
    assert defaults["SQLITE_BUSY_TIMEOUT_MS"] == 5000 and defaults["DB_RETRY_AFTER"] == 5
    custom = from_env({"DB_CONNECT_TIMEOUT": "7", "DB_STATEMENT_TIMEOUT_MS": "250"})
    assert custom["DB_CONNECT_TIMEOUT"] == 7 and custom["DB_STATEMENT_TIMEOUT_MS"] == 250


class Captured(Exception):
    """Raised from do_connect so no connection is attempted."""


def connect_params(url: str, settings: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    engine = db.make_engine(url, settings)
    seen: dict[str, Any] = {}

    def capture(_dialect: Any, _record: Any, _cargs: Any, cparams: dict[str, Any]) -> None:
        seen.update(cparams)
        raise Captured

    event.listen(engine, "do_connect", capture)
    with pytest.raises(Captured):
        engine.connect()
    engine.dispose()
    return engine, seen


def test_a_postgres_engine_bounds_every_wait() -> None:
    settings = {
        "DB_CONNECT_TIMEOUT": 4,
        "DB_STATEMENT_TIMEOUT_MS": 1234,
        "DB_POOL_TIMEOUT": 2,
        "DB_POOL_RECYCLE": 600,
    }
    engine, params = connect_params("postgresql+psycopg://u@127.0.0.1:1/x", settings)
    assert params["connect_timeout"] == 4
    assert params["options"] == "-c statement_timeout=1234"
    assert params["keepalives"] == 1 and params["tcp_user_timeout"] > 0
    assert engine.pool.timeout() == 2
    assert engine.pool._recycle == 600
    # liveness is checked on the socket at checkout, not with a SELECT 1 round trip
    assert engine.pool._pre_ping is False
    assert event.contains(engine, "checkout", db._closed_by_server)


def test_url_parameters_win_and_url_options_are_kept() -> None:
    url = "postgresql+psycopg://u@127.0.0.1:1/x?connect_timeout=9&options=-c%20search_path%3Dx"
    _, params = connect_params(url, {"DB_STATEMENT_TIMEOUT_MS": 100})
    assert params["connect_timeout"] == "9"
    assert params["options"] == "-c search_path=x -c statement_timeout=100"


def test_statement_timeout_zero_leaves_the_server_default() -> None:
    _, params = connect_params(
        "postgresql+psycopg://u@127.0.0.1:1/x", {"DB_STATEMENT_TIMEOUT_MS": 0}
    )
    assert "options" not in params


@pytest.mark.parametrize(
    "settings, expected", [({}, 5000), ({"SQLITE_BUSY_TIMEOUT_MS": 1500}, 1500)]
)
def test_sqlite_waits_on_a_locked_file(
    tmp_path: Path, settings: dict[str, Any], expected: int
) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'busy.sqlite3'}", settings)
    with engine.connect() as conn:
        assert conn.scalar(text("PRAGMA busy_timeout")) == expected
        assert conn.scalar(text("PRAGMA foreign_keys")) == 1
    engine.dispose()


class _Cancelled(Exception):
    sqlstate = "57014"  # what psycopg's QueryCanceled carries


def app_raising(tmp_path: Path, exc: Exception) -> Flask:
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
            "SECRET_KEY": "t",
            "TESTING": True,
            "RATELIMIT_ENABLED": False,  # its own Retry-After would be merged in
        }
    )

    def boom() -> str:
        raise exc

    app.add_url_rule("/_test/boom", "boom", boom)
    return app


@pytest.mark.parametrize(
    "exc, detail",
    [
        (OperationalError("SELECT pg_sleep(9)", {}, _Cancelled()), TOO_LONG),
        (OperationalError("SELECT 1", {}, Exception("connection refused")), UNAVAILABLE),
        (
            InterfaceError("SELECT 1", {}, Exception("closed"), connection_invalidated=True),
            UNAVAILABLE,
        ),
    ],
    ids=["statement-timeout", "unavailable", "dropped-connection"],
)
def test_database_errors_are_503_problems(tmp_path: Path, exc: Exception, detail: str) -> None:
    app = app_raising(tmp_path, exc)
    response = app.test_client().get("/_test/boom")
    assert response.status_code == 503 and response.mimetype == "application/problem+json"
    assert response.headers["Retry-After"] == "5"
    assert response.get_json()["detail"] == detail
    db.engine(app).dispose()


# ---- a private PostgreSQL cluster ----------------------------------------------------


def _server_binaries() -> Path | None:
    def version(path: str) -> float:
        try:
            return float(Path(path).parent.parent.name)
        except ValueError:
            return 0.0

    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=version)
    for initdb in reversed(candidates):
        bindir = Path(initdb).parent
        if all((bindir / name).exists() for name in ("pg_ctl", "postgres")):
            return bindir
    return None


BINDIR = _server_binaries()


def _skip_reason() -> str | None:
    if BINDIR is None:
        return "PostgreSQL server binaries (initdb, pg_ctl) not found under /usr/lib/postgresql"
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            return "running as root and runuser is missing (initdb refuses root)"
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no 'postgres' OS user (initdb refuses root)"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Cluster:
    """One throwaway cluster; only its own postmaster is ever stopped or signalled."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.dir = Path(tempfile.mkdtemp(prefix="regsec-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            user = pwd.getpwnam("postgres")
            os.chown(self.dir, user.pw_uid, user.pw_gid)
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_postgres else []
        return subprocess.run(
            [*prefix, *args],
            cwd=self.dir,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
        )

    def init(self) -> None:
        self.run(
            str(self.bindir / "initdb"),
            "-D", str(self.data),
            "-U", "postgres",
            "-A", "trust",
            "-E", "UTF8",
            "--locale=C",
            "--no-sync",
        )  # fmt: skip

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self.run(
            str(self.bindir / "pg_ctl"),
            "-D", str(self.data),
            "-l", str(self.dir / "server.log"),
            "-o", options,
            "-w", "-t", "30",
            "start",
        )  # fmt: skip

    def stop(self, mode: str = "immediate") -> None:
        self.run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def postmaster_pid(self) -> int | None:
        try:
            return int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def destroy(self) -> None:
        if self.postmaster_pid() is not None:
            try:
                self.stop()
            except (subprocess.SubprocessError, OSError):
                pid = self.postmaster_pid()
                if pid is not None:  # our own postmaster, by the pid it recorded
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGQUIT)
        shutil.rmtree(self.dir, ignore_errors=True)

    def log_tail(self) -> str:
        with contextlib.suppress(OSError):
            return (self.dir / "server.log").read_text()[-2000:]
        return ""


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    assert BINDIR is not None
    pg = Cluster(BINDIR)
    try:
        pg.init()
        pg.start()
        upgrade(pg.url)
        seeder = create_app({"DATABASE_URL": pg.url, "SECRET_KEY": "t", "TESTING": True})
        with Session(db.engine(seeder)) as session, session.begin():
            load_seeds(session, SEEDS)
        db.engine(seeder).dispose()
        yield pg
    except subprocess.CalledProcessError as exc:
        pytest.fail(f"{exc.cmd} failed: {exc.stderr}\n{pg.log_tail()}")
    finally:
        pg.destroy()


def pg_app(url: str, **overrides: Any) -> Flask:
    config = {
        "DATABASE_URL": url,
        "SECRET_KEY": "t",
        "TESTING": True,
        "RATELIMIT_ENABLED": False,  # the load loop is one client
        **overrides,
    }
    return create_app(config)


@pytest.mark.pgcluster
@pytest.mark.skipif(_skip_reason() is not None, reason=_skip_reason() or "")
def test_a_statement_over_the_timeout_is_a_503_that_says_too_long(cluster: Cluster) -> None:
    app = pg_app(cluster.url, DB_STATEMENT_TIMEOUT_MS=200)

    def slow() -> str:
        db.session().execute(text("SELECT pg_sleep(3)"))
        return "finished"

    app.add_url_rule("/_test/slow", "slow", slow)
    client = app.test_client()
    try:
        started = time.monotonic()
        response = client.get("/_test/slow")
        elapsed = time.monotonic() - started
        assert response.status_code == 503, response.get_data(as_text=True)
        assert response.mimetype == "application/problem+json"
        assert response.headers["Retry-After"] == "5"
        assert response.get_json()["detail"] == TOO_LONG
        assert elapsed < 2, f"cancelled after {elapsed:.2f}s"
        # The cancelled statement does not poison the pool: the next request is served.
        assert client.get("/api/v1/countries/JP").status_code == 200
        print(f"\nstatement_timeout=200ms: 503 after {elapsed * 1000:.0f} ms")
    finally:
        db.engine(app).dispose()


@pytest.mark.pgcluster
@pytest.mark.skipif(_skip_reason() is not None, reason=_skip_reason() or "")
def test_a_connection_the_server_ended_is_replaced_at_checkout(cluster: Cluster) -> None:
    """No ping per request: a pooled connection whose session the server ended is seen on
    its socket and replaced, so the next request is served, not failed."""
    app = pg_app(cluster.url)
    client = app.test_client()

    def backend() -> int:
        with app.app_context():
            pid: int = db.session().execute(text("SELECT pg_backend_pid()")).scalar_one()
            return pid

    try:
        assert client.get("/api/v1/countries/JP").status_code == 200
        first = backend()
        assert backend() == first  # the pool hands out the same connection again
        admin = db.make_engine(cluster.url)  # not the app's pool: its own connection
        with admin.connect() as other:
            ended = other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
            assert ended.scalar_one() is True
        admin.dispose()
        time.sleep(0.2)  # the FATAL message and the FIN reach the socket
        for _ in range(3):
            response = client.get("/api/v1/countries/JP")
            assert response.status_code == 200, response.get_data(as_text=True)
        assert backend() != first
        assert db.state(app) == "ok"
    finally:
        db.engine(app).dispose()


@dataclass
class Result:
    path: str
    started: float
    ended: float
    status: int
    mimetype: str
    retry_after: str | None
    detail: str | None

    @property
    def seconds(self) -> float:
        return self.ended - self.started


class Load:
    """N threads, each with its own test client, requesting paths until told to stop."""

    PATHS = ("/api/v1/countries/JP", "/api/v1/commitments")

    def __init__(self, app: Flask, workers: int = 4, max_requests: int = 2000) -> None:
        self.app = app
        self.results: list[Result] = []
        self.errors: list[BaseException] = []
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.max_requests = max_requests
        self.threads = [
            threading.Thread(target=self._work, args=(i,), daemon=True) for i in range(workers)
        ]

    def _work(self, index: int) -> None:
        client = self.app.test_client()
        try:
            for n in range(self.max_requests):
                if self.stop.is_set():
                    return
                path = self.PATHS[(index + n) % len(self.PATHS)]
                started = time.monotonic()
                response = client.get(path)
                ended = time.monotonic()
                body = response.get_json(silent=True) or {}
                result = Result(
                    path,
                    started,
                    ended,
                    response.status_code,
                    response.mimetype,
                    response.headers.get("Retry-After"),
                    body.get("detail") if response.status_code != 200 else None,
                )
                with self.lock:
                    self.results.append(result)
                time.sleep(0.01)
        except BaseException as exc:  # reported by the test, not lost in the thread
            with self.lock:
                self.errors.append(exc)

    def __enter__(self) -> Load:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(timeout=30)

    def snapshot(self) -> list[Result]:
        with self.lock:
            return list(self.results)


def wait_for(predicate: Callable[[], bool], timeout: float, step: float = 0.05) -> float | None:
    """Seconds until predicate() held, or None if it never did within timeout."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if predicate():
            return time.monotonic() - started
        time.sleep(step)
    return None


@pytest.mark.pgcluster
@pytest.mark.skipif(_skip_reason() is not None, reason=_skip_reason() or "")
def test_an_outage_answers_503_fast_and_the_app_recovers_by_itself(cluster: Cluster) -> None:
    app = pg_app(cluster.url)
    probe = app.test_client()
    ready = "/api/v1/health/ready"
    try:
        assert probe.get(ready).status_code == 200
        with Load(app) as load:
            assert wait_for(lambda: sum(r.status == 200 for r in load.snapshot()) >= 20, 10)

            stop_started = time.monotonic()
            cluster.stop("immediate")
            down_at = time.monotonic()
            first_503 = wait_for(
                lambda: any(r.status == 503 and r.started >= down_at for r in load.snapshot()), 5
            )
            unready = probe.get(ready)
            live = probe.get("/api/v1/health")
            time.sleep(2)  # a sustained outage under load

            restart_at = time.monotonic()
            cluster.start()
            up_at = time.monotonic()
            recovered = wait_for(
                lambda: any(r.status == 200 and r.started >= up_at for r in load.snapshot()), 10
            )
            ready_again = wait_for(lambda: probe.get(ready).status_code == 200, 10)
            time.sleep(0.5)
        results = load.snapshot()
    finally:
        db.engine(app).dispose()

    assert not load.errors, load.errors
    statuses = {r.status for r in results}
    assert statuses <= {200, 503}, f"unexpected statuses {statuses}"  # never a 500

    outage = [r for r in results if r.started >= down_at and r.ended <= restart_at]
    assert len(outage) >= 8, f"only {len(outage)} requests during the outage"
    for r in outage:
        assert r.status == 503, r
        assert r.mimetype == "application/problem+json" and r.retry_after == "5", r
        assert r.detail == UNAVAILABLE, r
    slowest = max(r.seconds for r in results)
    assert slowest < 5, f"a request took {slowest:.2f}s"

    assert first_503 is not None, "no 503 within 5 s of the stop"
    assert unready.status_code == 503 and unready.mimetype == "application/problem+json"
    assert unready.headers["Retry-After"] and unready.headers["Cache-Control"] == "no-store"
    assert live.status_code == 200 and live.get_json()["database"] == "unavailable"

    assert recovered is not None, "no 200 within 10 s of the restart"
    assert ready_again is not None, "readiness not back within 10 s of the restart"
    after = [r for r in results if r.started >= up_at + recovered]
    assert after and all(r.status == 200 for r in after), "errors after recovery"
    assert probe.get("/api/v1/health").get_json()["database"] == "ok"

    outage_seconds = sorted(r.seconds for r in outage)
    print(
        f"\npg_ctl stop -m immediate took {down_at - stop_started:.2f}s; first 503 "
        f"{first_503:.3f}s after; {len(outage)} outage responses, all 503, latency "
        f"median {outage_seconds[len(outage_seconds) // 2] * 1000:.1f} ms, "
        f"max {outage_seconds[-1] * 1000:.1f} ms; slowest request overall {slowest:.3f}s\n"
        f"pg_ctl start took {up_at - restart_at:.2f}s; first 200 {recovered:.3f}s after it "
        f"returned; readiness 200 again {ready_again:.3f}s after; "
        f"{len(results)} requests in all"
    )


def test_read_requests_on_postgresql_keep_their_prepared_statements(
    app: Flask, make_app: Callable[[dict[str, Any]], Flask], database_url: str
) -> None:
    """A read runs in autocommit: no BEGIN, COMMIT or ROLLBACK around it, and no ROLLBACK
    that would make psycopg drop the statements it prepared (api/db.py `session`)."""
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only: psycopg prepares repeated statements")
    one = make_app({"DB_POOL_SIZE": 1, "DB_MAX_OVERFLOW": 0, "SECRET_KEY": "t"})
    client = one.test_client()
    slug = client.get("/api/v1/commitments?limit=1").get_json()["data"][0]["id"]
    autocommit: list[bool] = []

    def seen(conn: Any, *_: Any) -> None:
        autocommit.append(conn.connection.dbapi_connection.autocommit)

    event.listen(db.engine(one), "before_cursor_execute", seen)
    for _ in range(8):  # psycopg prepares a statement on its 6th execution
        assert client.get(f"/api/v1/commitments/{slug}").status_code == 200
    assert autocommit and all(autocommit)  # psycopg sends BEGIN only outside autocommit
    with db.engine(one).connect() as conn:  # the pool's only connection
        assert conn.scalar(text("SELECT count(*) FROM pg_prepared_statements")) > 0
