"""The project's gunicorn settings at work: graceful SIGTERM, frozen preload, a taken port,
headers left to the app."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from api.cli import upgrade
from api.config import PROJECT_ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def gunicorn_serving(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """gunicorn with the project's config and one worker, serving tests/apps/slow.py over a
    migrated SQLite file: the process and its base URL, once it answers."""
    url = f"sqlite:///{tmp_path / 'served.sqlite3'}"
    upgrade(url)
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "RATELIMIT_ENABLED": "0",
        "LOG_LEVEL": "WARNING",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
    }
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [
            str(gunicorn),
            "--config",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "tests.apps.slow:create()",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/v1/health", timeout=1).read()
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        yield server, base
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def test_sigterm_waits_for_the_request_in_flight(tmp_path: Path) -> None:
    with gunicorn_serving(tmp_path) as (server, base):
        result: dict[str, object] = {}

        def call() -> None:
            with urllib.request.urlopen(f"{base}/_test/slow", timeout=20) as response:
                result["status"] = response.status
                result["body"] = response.read()

        caller = threading.Thread(target=call)
        caller.start()
        time.sleep(0.5)  # the request is now being served
        server.send_signal(signal.SIGTERM)
        caller.join(timeout=20)
        assert result == {"status": 200, "body": b'{"status":"finished"}\n'}
        assert server.wait(timeout=20) == 0


def test_workers_start_with_the_preloaded_app_frozen(tmp_path: Path) -> None:
    """The objects the master made before forking sit in the worker's permanent GC
    generation, so the worker's full collections do not walk them (gunicorn.conf.py)."""
    with gunicorn_serving(tmp_path) as (_server, base):
        with urllib.request.urlopen(f"{base}/_test/gc", timeout=5) as response:
            frozen = json.loads(response.read())["frozen"]
    assert frozen > 10_000  # the app's modules and structures, not a handful


def test_a_taken_port_stops_gunicorn_with_one_clear_error(tmp_path: Path) -> None:
    """Each worker binds its own SO_REUSEPORT socket (gunicorn.conf.py); a port another
    server holds must still stop start-up at once, not restart failing workers forever."""
    gunicorn = Path(sys.executable).parent / "gunicorn"
    env = {**os.environ, "LOG_LEVEL": "WARNING", "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [str(gunicorn), "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"]
            + ["tests.apps.slow:create()"],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert done.returncode == 1
    assert f"Cannot listen on 127.0.0.1:{port}" in done.stderr
    assert "Booting worker" not in done.stderr


def _get(base: str, path: str, headers: list[tuple[str, str]]) -> tuple[int, dict[str, str], bytes]:
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.putrequest("GET", path)
        for name, value in headers:
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def test_gunicorn_leaves_the_headers_to_the_app(tmp_path: Path) -> None:
    """gunicorn's own header checks answer with HTML and believe X-Forwarded-Proto from any
    loopback peer; with the project's settings the app decides both (gunicorn.conf.py)."""
    with gunicorn_serving(tmp_path) as (_server, base):
        # 150 small headers (gunicorn's default allows 100): an ordinary answer.
        many = [(f"X-Tag-{i}", "x") for i in range(150)]
        status, headers, body = _get(base, "/api/v1", many)
        assert status == 200 and json.loads(body)["version"] == "v1"
        # Past the app's 16 KB, in many fields: the app's 431 problem, with its request id.
        large = [(f"X-Tag-{i}", "x" * 100) for i in range(200)]
        status, headers, body = _get(base, "/api/v1", large)
        assert status == 431
        assert headers["Content-Type"] == "application/problem+json"
        assert json.loads(body)["status"] == 431 and headers["X-Request-Id"]
        # From loopback, without TRUSTED_PROXIES, a claimed https changes no link.
        status, headers, body = _get(base, "/api/v1", [("X-Forwarded-Proto", "https")])
        links = json.loads(body)["collections"]
        assert status == 200 and all(url.startswith("http://") for url in links.values())
