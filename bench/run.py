"""The benchmark suite: the project against the floor and Datasette, on the same data.

    .venv/bin/python bench/run.py --rows 1000 --db sqlite       (`make bench`)
    .venv/bin/python bench/run.py --rows 1000000 --db postgres --profile

1. Builds the data at the requested scale with `regsec generate` (or reuses it): an SQLite
   file under bench/data/, or a PostgreSQL database `regsec_bench_<rows>` (dropped after the
   run unless --keep).
2. Starts three servers on loopback ports: the project (gunicorn with the project's
   gunicorn.conf.py), the floor (bench/floor.py under the same gunicorn settings) and, on
   SQLite, Datasette serving the same file (bench/.venv-datasette, installed here).
3. Drives each scenario with wrk, the servers taking turns round after round, and samples
   the servers' RSS from /proc while wrk runs.
4. Prints the table, writes bench/results/<db>-<rows>.json and regenerates bench/RESULTS.md
   from every results file present.

    .venv/bin/python bench/run.py --scale --rows 1000000 --db sqlite --rounds 5
                                                                (`make bench-scale`)

`--scale` measures the scale target in one run instead: the project twice, on the data at
1,000 and at --rows commitments (both built or reused as above), taking turns round after
round on every scenario, as the servers of a run do; it writes bench/results/<db>-scale.json.

Only processes this script starts are stopped, by their process ids.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
VENV = ROOT / ".venv" / "bin"
TOOLS = BENCH / ".venv-datasette"
DATA = BENCH / "data"
RESULTS = BENCH / "results"
PROFILES = BENCH / "profiles"
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
# The load targets for 1,000,000 commitments (whole `regsec generate` command).
LOAD_TARGET_SECONDS = {"sqlite": 60, "postgres": 120}
SECRET = "bench-cursor-key"  # one key for every worker: cursors stay valid across them
# The source tree the project runs from (--tree): this checkout, or e.g. a `git archive`
# snapshot of a commit while the working tree is mid-edit. It needs bench/floor.py too.
TREE = ROOT

sys.path.insert(0, str(ROOT))
from bench.floor import sql as floor_sql  # noqa: E402

# ---- tools ---------------------------------------------------------------------------------


def ensure_wrk() -> str:
    """wrk from Debian's package."""
    found = shutil.which("wrk")
    if found:
        return found
    print("installing wrk (apt-get)", flush=True)
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False, capture_output=True)
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "update", "-q"], check=True, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, capture_output=True)
    return shutil.which("wrk") or "wrk"


def ensure_tools() -> None:
    """Datasette and py-spy in their own venv: nothing lands in the project's."""
    python = TOOLS / "bin" / "python"
    if (TOOLS / "bin" / "datasette").exists() and (TOOLS / "bin" / "py-spy").exists():
        return
    print(f"installing datasette and py-spy into {TOOLS.relative_to(ROOT)}", flush=True)
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(TOOLS)], check=True)
    pip = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, "datasette==0.65.*", "py-spy"], check=True)


def version_of(command: list[str]) -> str:
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return (out.stdout or out.stderr).strip().splitlines()[0] if (out.stdout or out.stderr) else "?"


# ---- data ----------------------------------------------------------------------------------


def sqlalchemy_engine(url: str) -> Any:
    from sqlalchemy import create_engine

    return create_engine(url)


def count_commitments(url: str) -> int | None:
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    engine = sqlalchemy_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.scalar(text("SELECT count(*) FROM commitments")) or 0)
    except SQLAlchemyError:
        return None
    finally:
        engine.dispose()


def prepare(db: str, rows: int, seed: int, rebuild: bool) -> tuple[str, dict[str, Any]]:
    """The database URL at the requested scale, built with `regsec generate` when needed."""
    if db == "sqlite":
        DATA.mkdir(exist_ok=True)
        path = DATA / f"sqlite-{rows}.sqlite3"
        url = f"sqlite:///{path}"
        if not rebuild and path.exists() and count_commitments(url) == rows:
            return url, {"reused": True}
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        name = f"regsec_bench_{rows}"
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
        if not rebuild and count_commitments(url) == rows:
            return url, {"reused": True}
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name])
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    env = {**os.environ, "DATABASE_URL": url}
    # `regsec ...`, run from TREE (the console script would import this checkout's api/).
    regsec = [str(VENV / "python"), "-c", "from api.cli import main; main()"]
    subprocess.run([*regsec, "migrate"], cwd=TREE, env=env, check=True, capture_output=True)
    command = [*regsec, "generate", "--commitments", str(rows), "--seed", str(seed)]
    print(f"$ DATABASE_URL={url} regsec generate --commitments {rows} --seed {seed}", flush=True)
    started = time.perf_counter()
    out = subprocess.run(
        command, cwd=TREE, env=env, check=True, capture_output=True, text=True
    ).stdout
    print(out, flush=True)
    seconds = round(time.perf_counter() - started, 1)
    if db == "postgres":
        # After a bulk load autovacuum visits every new table, for minutes, on the cores the
        # benchmark uses (the first 1M run measured it as noise). Vacuum now, outside the
        # load time, so that the measured rounds meet a settled database.
        started = time.perf_counter()
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", name, "-qc", "VACUUM (ANALYZE)"],
            check=True,
        )
        print(f"VACUUM (ANALYZE): {time.perf_counter() - started:.1f} s", flush=True)
    return url, {"reused": False, "seconds": seconds, "report": out}


def code_version() -> str:
    """Which code was measured: the tree's commit, or `git archive`'s record of it."""
    if (TREE / ".git").exists():
        head = version_of(["git", "-C", str(TREE), "rev-parse", "--short", "HEAD"])
        dirty = version_of(["git", "-C", str(TREE), "status", "--porcelain", "--", "api", "models"])
        return f"{head}{' with uncommitted changes in api/ or models/' if dirty != '?' else ''}"
    marker = TREE / "SNAPSHOT"
    return marker.read_text().strip() if marker.exists() else str(TREE)


def drop_pg(rows: int) -> None:
    subprocess.run(
        ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", f"regsec_bench_{rows}"]
    )


# ---- servers -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    name: str
    command: list[str]
    env: dict[str, str]
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    log: Path | None = None
    db_url: str = ""  # its own database, when a run's servers do not share one (--scale)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, logs: Path, ready_path: str) -> None:
        self.log = logs / f"{self.name}.log"
        handle = self.log.open("wb")
        command = [c.replace("{port}", str(self.port)) for c in self.command]
        self.process = subprocess.Popen(
            command, cwd=TREE, env=self.env, stdout=handle, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited: see {self.log}")
            try:
                with urllib.request.urlopen(self.base + ready_path, timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                time.sleep(0.3)
        raise RuntimeError(f"{self.name} did not answer in time: see {self.log}")

    def stop(self) -> None:
        """SIGTERM to the process this script started (gunicorn's master stops its workers)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def pids(self) -> list[int]:
        """This server's process and its descendants (gunicorn workers)."""
        if self.process is None:
            return []
        children: dict[int, list[int]] = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                text = stat.read_text()
            except OSError:
                continue
            pid = int(stat.parent.name)
            ppid = int(text.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(pid)
        out, todo = [], [self.process.pid]
        while todo:
            pid = todo.pop()
            out.append(pid)
            todo.extend(children.get(pid, []))
        return out

    def cpu(self) -> float:
        """CPU seconds (user + system) used so far by this server's processes."""
        ticks = 0
        for pid in self.pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")

    def rss(self) -> tuple[float, float]:
        """(sum, largest) resident set size in MB over this server's processes."""
        sizes = []
        for pid in self.pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
            if match:
                sizes.append(int(match.group(1)) / 1024)
        return (sum(sizes), max(sizes)) if sizes else (0.0, 0.0)


def servers(db: str, url: str, tmp: Path) -> list[Server]:
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("PROMETHEUS")}
    gunicorn = [str(VENV / "gunicorn"), "--config", str(TREE / "gunicorn.conf.py")]
    bind = ["--bind", "127.0.0.1:{port}"]
    common = {**base_env, "DATABASE_URL": url}
    project_env = {
        **common,
        "SECRET_KEY": SECRET,
        "RATELIMIT_ENABLED": "0",  # one client at thousands of req/s is the point here
        "LOG_LEVEL": "WARNING",  # no access-log line per request (nor for the others)
        "PROMETHEUS_MULTIPROC_DIR": str(tmp / "metrics-project"),
    }
    floor_env = {**common, "PROMETHEUS_MULTIPROC_DIR": str(tmp / "metrics-floor")}
    for env in (project_env, floor_env):
        Path(env["PROMETHEUS_MULTIPROC_DIR"]).mkdir()
    out = [
        Server("project", [*gunicorn, *bind, "api:create_app()"], project_env),
        Server("floor", [*gunicorn, *bind, "bench.floor:create_app()"], floor_env),
    ]
    if db == "sqlite":
        path = url.split("///", 1)[1]
        command = [str(TOOLS / "bin" / "python"), str(BENCH / "datasette_serve.py"), path, "{port}"]
        out.append(Server("datasette", command, base_env))
    return out


# ---- the requests of each scenario ---------------------------------------------------------


@dataclass
class Scenario:
    name: str
    title: str
    urls: dict[str, str]  # server name -> path and query
    headers: dict[str, str] = field(default_factory=dict)
    connections: int | None = None
    sample_rss: bool = False
    note: str = ""
    longer: int = 1  # multiple of --duration: a slow request must finish inside a run
    by_server: dict[str, dict[str, str]] = field(default_factory=dict)  # headers per server

    def headers_for(self, server: str) -> dict[str, str]:
        """The project's request headers (If-None-Match); the others are sent none."""
        return self.by_server.get(server, self.headers if server == "project" else {})


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def cursor_value(cursor: str) -> str:
    """The sort value a project cursor carries (its payload is signed, not encrypted)."""
    body = cursor.split(".", 1)[0]
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    return str(payload[2][0])


def cursor_at(url: str, project: str, fraction: float) -> str | None:
    """A real next-cursor from the API whose position is about `fraction` into the default
    order: the next link of a `giver=XX&sort=id` page whose last row is that far into the
    giver's commitments, for a giver with few enough of them for one page (limit <= 500)."""
    from sqlalchemy import text

    engine = sqlalchemy_engine(url)
    try:
        with engine.connect() as conn:
            counts = conn.execute(
                text(
                    "SELECT co.iso2, count(*) FROM commitment_parties cp "
                    "JOIN countries co ON co.id = cp.country_id WHERE cp.side = 'giver' "
                    "GROUP BY co.iso2 ORDER BY count(*) DESC, co.iso2"
                )
            ).all()
    finally:
        engine.dispose()
    for iso2, n in counts:
        limit = int(fraction * n)
        if 1 <= limit <= 500 and n >= 20:
            query = f"giver={iso2}&sort=id&limit={limit}&count=false&fields=title"
            status, _, body = fetch(f"{project}/api/v1/commitments?{query}")
            next_url = json.loads(body)["links"]["next"] if status == 200 else None
            if next_url:
                cursor = urllib.parse.parse_qs(urllib.parse.urlsplit(next_url).query)["cursor"]
                return str(cursor[0])
    return None


def datasette_sql(db_name: str, query: str, params: dict[str, str], json_cols: list[str]) -> str:
    args = [("sql", query), ("_shape", "objects"), *params.items()]
    args += [("_json", c) for c in json_cols]
    return f"/{db_name}.json?" + urllib.parse.urlencode(args)


def scenarios(db: str, url: str, rows: int, bases: dict[str, str]) -> list[Scenario]:
    project = bases["project"]
    queries = floor_sql("sqlite" if db == "sqlite" else "postgresql")
    db_name = Path(url.split("///", 1)[1]).stem if db == "sqlite" else ""

    def ds(name: str, params: dict[str, str], cols: list[str] | None = None) -> dict[str, str]:
        if db != "sqlite":
            return {}
        cols = cols if cols is not None else ["parties", "amounts"]
        return {"datasette": datasette_sql(db_name, queries[name], params, cols)}

    deep = cursor_at(url, project, 0.9)
    deep_after = cursor_value(deep) if deep else ""
    export = cursor_at(url, project, 1 - 10_000 / rows) if rows > 12_000 else None
    export_after = cursor_value(export) if export else ""

    from sqlalchemy import text

    engine = sqlalchemy_engine(url)
    try:
        with engine.connect() as conn:
            middle = conn.scalar(text("SELECT (min(id) + max(id)) / 2 FROM commitments"))
            slug = conn.scalar(
                text(
                    "SELECT c.slug FROM commitments c WHERE c.id >= :middle "
                    "AND c.meeting_id IS NOT NULL "
                    "AND EXISTS (SELECT 1 FROM commitment_items i WHERE i.commitment_id = c.id) "
                    "AND EXISTS (SELECT 1 FROM commitment_amounts a "
                    "WHERE a.commitment_id = c.id) "
                    "AND (SELECT count(*) FROM commitment_status_events e "
                    "WHERE e.commitment_id = c.id) >= 2 ORDER BY c.id LIMIT 1"
                ),
                {"middle": middle},
            )
    finally:
        engine.dispose()

    list_url = "/api/v1/commitments?count=false"
    _, headers, _ = fetch(project + list_url)
    etag = headers.get("ETag", "")

    filters = {"giver": "JP", "domain": "maritime_security"}
    since, until = "2015-01-01", "2019-12-31"
    flt = urllib.parse.urlencode(filters)
    csv_note = (
        f"the last ~10,000 rows of the keyset (a real cursor {1 - 10_000 / rows:.0%} in)"
        if export
        else f"every row ({rows}): the table has fewer than 10,000 more"
    )
    return [
        Scenario(
            "list",
            "First page: 50 commitments, compact references",
            {
                "project": list_url,
                "floor": "/floor/commitments",
                **ds("list", {"after": ""}),
            },
        ),
        Scenario(
            "list_counted",
            "First page with the default count (capped at 10,000)",
            {"project": "/api/v1/commitments"},
            note="project only: the floor and Datasette queries count nothing",
        ),
        Scenario(
            "deep",
            "A page deep in the keyset (real cursor, ~90% in)",
            {
                "project": f"/api/v1/commitments?count=false&cursor={deep}",
                "floor": f"/floor/commitments?after={urllib.parse.quote(deep_after)}",
                **ds("list", {"after": deep_after}),
            },
        ),
        Scenario(
            "filtered",
            "Filtered: giver=JP, made_on 2015-2019, domain=maritime_security",
            {
                "project": f"/api/v1/commitments?count=false&{flt}"
                "&made_on__gte=2015&made_on__lte=2019",
                "floor": f"/floor/commitments?{flt}&since={since}&until={until}",
                **ds("filtered", {"after": "", **filters, "since": since, "until": until}),
            },
        ),
        Scenario(
            "detail",
            "Detail with evidence on every nested row",
            {
                "project": f"/api/v1/commitments/{slug}",
                "floor": f"/floor/commitments/{slug}",
                **ds(
                    "detail",
                    {"slug": str(slug)},
                    ["parties", "amounts", "items", "status_history", "evidence"],
                ),
            },
            note="the detail endpoint takes no expand=: it embeds the nested rows and evidence",
        ),
        Scenario(
            "csv",
            "CSV export",
            {
                "project": "/api/v1/commitments?format=csv&count=false"
                + (f"&cursor={export}" if export else ""),
                "floor": f"/floor/export.csv?after={urllib.parse.quote(export_after)}",
                **(
                    {
                        "datasette": f"/{db_name}.csv?"
                        + urllib.parse.urlencode(
                            [("sql", queries["export"]), ("after", export_after)]
                        )
                    }
                    if db == "sqlite"
                    else {}
                ),
            },
            # One connection: with a listening socket per worker the kernel hashes each
            # connection to a worker, and two exports landing on one worker (a coin toss per
            # run) doubled p50 and halved req/s (bench/results/*.notes.md). One export at a
            # time measures its service time and its memory, which is what the targets ask.
            connections=1,
            sample_rss=True,
            note=csv_note,
            longer=3,
        ),
        Scenario(
            "not_modified",
            "304 revalidation (If-None-Match) vs the floor's constant JSON",
            {"project": list_url, "floor": "/floor/constant"},
            headers={"If-None-Match": etag},
            note="project answers 304 without rendering; the floor a constant 200 body",
        ),
        Scenario(
            "search",
            "Search: q=patrol vessels",
            {
                "project": "/api/v1/commitments?count=false&q=patrol%20vessels",
                "floor": "/floor/search?q=patrol%20vessels",
                **ds("search", {"q": '"patrol" "vessels"'}),
            },
            connections=4,
            note="ranked by relevance: every match is scored (run last: it loads the database)",
        ),
    ]


def check(scenario: Scenario, bases: dict[str, str]) -> dict[str, Any]:
    """One request per server: status, size, first row (to show they serve the same page)."""
    out: dict[str, Any] = {}
    for name, path in scenario.urls.items():
        status, _, body = fetch(bases[name] + path, scenario.headers_for(name))
        first = None
        if body[:1] == b"{":
            data = json.loads(body)
            rows = data.get("data") or data.get("rows")
            if isinstance(rows, list) and rows:
                first = rows[0].get("id") or rows[0].get("slug")
            elif "id" in data or "slug" in data:
                first = data.get("id") or data.get("slug")
        elif scenario.name == "csv":
            first = f"{body.count(NEWLINE) - 1} rows"
        out[name] = {"status": status, "bytes": len(body), "first": first}
    return out


# ---- load generation -----------------------------------------------------------------------

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def parse_wrk(output: str) -> dict[str, float]:
    def latency(label: str) -> float:
        match = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        return float(match.group(1)) * UNITS[match.group(2)] if match else float("nan")

    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = sum(int(g) for g in socket_errors.groups()) if socket_errors else 0
    errors += int(non2xx.group(1)) if non2xx else 0
    return {
        "rps": float(rps.group(1)) if rps else 0.0,
        "requests": float(total.group(1)) if total else 0.0,
        "p50": latency("50"),
        "p99": latency("99"),
        "errors": float(errors),
    }


@contextmanager
def sampling(server: Server, every: float = 0.05) -> Iterator[list[tuple[float, float]]]:
    samples: list[tuple[float, float]] = []
    stop = threading.Event()

    def run() -> None:
        while not stop.is_set():
            samples.append(server.rss())
            stop.wait(every)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield samples
    finally:
        stop.set()
        thread.join()


def settle(server: Server, url: str, limit: float = 60.0) -> None:
    """Wait until the server is idle: a request wrk gave up on may still be running (a
    slow search keeps its worker thread and database busy after the client has gone), and
    its work must not be billed to the next run."""
    deadline = time.monotonic() + limit
    busy_query = None
    if url.startswith("postgresql"):
        from sqlalchemy import text

        busy_query = text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND state = 'active' AND pid <> pg_backend_pid()"
        )
    engine = sqlalchemy_engine(url) if busy_query is not None else None
    try:
        while time.monotonic() < deadline:
            before = server.cpu()
            time.sleep(0.25)
            idle = server.cpu() - before < 0.02
            if idle and engine is not None:
                with engine.connect() as conn:
                    idle = not conn.scalar(busy_query)
            if idle:
                return
    finally:
        if engine is not None:
            engine.dispose()


def drive(
    wrk: str, url: str, headers: dict[str, str], duration: float, connections: int, threads: int
) -> dict[str, float]:
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{round(duration)}s", "--timeout", "30s"]
    command += ["--latency"]
    for key, value in headers.items():
        command += ["-H", f"{key}: {value}"]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    return parse_wrk(out)


def measure(
    wrk: str,
    url: str,
    servers_: list[Server],
    plan: list[Scenario],
    rounds: int,
    duration: float,
    connections: int,
    threads: int,
) -> dict[str, dict[str, list[dict[str, float]]]]:
    by_name = {s.name: s for s in servers_}
    results: dict[str, dict[str, list[dict[str, float]]]] = {}
    for round_ in range(rounds):
        for scenario in plan:
            names = list(scenario.urls)
            names = names[round_ % len(names) :] + names[: round_ % len(names)]  # take turns
            for name in names:
                server = by_name[name]
                headers = scenario.headers_for(name)
                conns = scenario.connections or connections
                target = server.base + scenario.urls[name]
                settle(server, server.db_url or url)
                before = server.rss()
                cpu_before = server.cpu()
                with sampling(server) as samples:
                    stats = drive(wrk, target, headers, duration * scenario.longer, conns, threads)
                used = server.cpu() - cpu_before
                stats["cpu_ms"] = 1000 * used / stats["requests"] if stats["requests"] else 0.0
                peak_sum = max((s[0] for s in samples), default=before[0])
                stats["rss_sum"] = peak_sum
                stats["rss_max"] = max((s[1] for s in samples), default=before[1])
                stats["rss_growth"] = peak_sum - before[0]
                results.setdefault(scenario.name, {}).setdefault(name, []).append(stats)
                print(
                    f"  round {round_ + 1} {scenario.name:<13} {name:<10} "
                    f"{stats['rps']:>9.1f} req/s  p50 {stats['p50']:>8.2f} ms  "
                    f"p99 {stats['p99']:>8.2f} ms  errors {int(stats['errors'])}",
                    flush=True,
                )
    return results


def summarize(runs: list[dict[str, float]]) -> dict[str, float]:
    def median(values: list[float]) -> float:
        ordered = sorted(values)
        mid = len(ordered) // 2
        return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2

    return {
        "rps": median([r["rps"] for r in runs]),
        "p50": median([r["p50"] for r in runs]),
        "p99": median([r["p99"] for r in runs]),
        "cpu_ms": median([r.get("cpu_ms", 0.0) for r in runs]),
        "errors": sum(r["errors"] for r in runs),
        "requests": sum(r["requests"] for r in runs),
        "rss_sum": max(r["rss_sum"] for r in runs),
        "rss_max": max(r["rss_max"] for r in runs),
        "rss_growth": max(r["rss_growth"] for r in runs),
    }


def summaries(
    results: dict[str, dict[str, list[dict[str, float]]]],
) -> dict[str, dict[str, dict[str, float]]]:
    """Each scenario's and server's rounds summarized."""
    return {
        name: {server: summarize(runs) for server, runs in by_server.items()}
        for name, by_server in results.items()
    }


# ---- profiling -----------------------------------------------------------------------------

CATEGORIES = [  # (label, fragment of the innermost frame's "function (path:line)")
    ("marshmallow (dumping)", "(marshmallow/"),
    ("SQLAlchemy ORM (objects from rows, eager loads)", "(sqlalchemy/orm/"),
    ("SQLAlchemy Core (SQL compilation, results)", "(sqlalchemy/"),
    ("the app's own code (api/)", "(api/"),
    ("Flask and Werkzeug", "(flask/"),
    ("Flask and Werkzeug", "(werkzeug/"),
    ("metrics (prometheus)", "(prometheus"),
    ("rate limiter (disabled, still hooked)", "(flask_limiter/"),
    ("rate limiter (disabled, still hooked)", "(limits/"),
    ("CORS", "(flask_cors/"),
    ("gunicorn (sockets, HTTP parsing)", "(gunicorn/"),
    ("JSON encoding", "(json/"),
    ("psycopg", "(psycopg/"),
    ("copy/deepcopy (stdlib)", "(copy.py"),
]
IDLE = re.compile(
    r"^(\w+\.)?(wait|select|poll|sleep|accept|_worker|defer) \((selectors|threading|"
    r"concurrent/futures/thread|gunicorn/workers/gthread)"
)
DRIVER = re.compile(r"^(\w+\.)?(do_execute|_fetchall_impl|fetchall|fetchone|fetchmany) \(")
STAGES = [  # (label, fragment of any frame): share of busy samples inside that stage
    ("list view (api/listing.py list_response)", "list_response (api/listing.py"),
    ("detail view (commitments get + dump)", "get_commitment (api/v1/commitments/routes.py"),
    ("keyset page: SQL + ORM loading (paginate)", "paginate (api/pagination.py"),
    ("capped COUNT", "count (api/pagination.py"),
    ("export stream", "stream (api/pagination.py"),
    ("eager loads (selectin)", "_SelectInLoader._load_for_path"),
    ("plain rows and their relations (api/rows.py)", "convert (api/rows.py"),
    ("plain rows of a detail (api/rows.py one)", "one (api/rows.py"),
    ("compiled dump (api/dumping.py)", "dump (api/dumping.py"),
    ("JSON encoding (orjson)", "dumps (api/responses.py"),
    ("statement compilation", "compile (sqlalchemy/"),
    ("driver executing SQL", "do_execute (sqlalchemy/engine/default.py"),
    ("marshmallow Schema.dump", "dump (marshmallow/schema.py"),
    ("before-request hooks", "preprocess_request (flask/app.py"),
    ("after-request hooks", "process_response (flask/app.py"),
]


def classify(leaf: str) -> str:
    if DRIVER.match(leaf) and "(sqlalchemy/engine/" in leaf:
        return "database driver (executing SQL, fetching rows)"
    for label, fragment in CATEGORIES:
        if fragment in leaf:
            return label
    return "Python runtime and other standard library"


def read_profile(path: Path) -> dict[str, Any]:
    """Self time by the innermost frame's package, and time inside each stage."""
    totals: dict[str, int] = {}
    stages: dict[str, int] = {}
    functions: dict[str, int] = {}
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        frames = [f for f in stack.split(";") if not f.startswith("process ")]
        if not frames or IDLE.search(frames[-1]):
            continue  # a thread waiting for work, not doing any
        count = int(count_text)
        total += count
        label = classify(frames[-1])
        totals[label] = totals.get(label, 0) + count
        leaf = re.sub(r":\d+\)$", ")", frames[-1])
        functions[leaf] = functions.get(leaf, 0) + count
        for stage, fragment in STAGES:
            if fragment in stack:
                stages[stage] = stages.get(stage, 0) + count
    if not total:
        return {"samples": 0, "self": {}, "inclusive": {}, "top": {}}

    def pct(n: int) -> float:
        return round(100 * n / total, 1)

    return {
        "samples": total,
        "self": {k: pct(v) for k, v in sorted(totals.items(), key=lambda i: -i[1])},
        "inclusive": {k: pct(stages[k]) for k, _ in STAGES if stages.get(k)},
        "top": {k: pct(v) for k, v in sorted(functions.items(), key=lambda i: -i[1])[:12]},
    }


def profile(
    server: Server, wrk: str, url: str, headers: dict[str, str], seconds: int, out: Path
) -> dict[str, Any]:
    """py-spy over the project's workers while wrk drives one scenario."""
    assert server.process is not None
    out.parent.mkdir(exist_ok=True)
    spy = [str(TOOLS / "bin" / "py-spy"), "record", "--pid", str(server.process.pid)]
    # --gil: sample only the thread holding the GIL, so threads waiting for it (4 per
    # worker) do not pile up in whatever frame they wait in.
    spy += ["--subprocesses", "--gil", "--rate", "250", "--duration", str(seconds)]
    spy += ["--format", "raw"]
    spy += ["--output", str(out)]
    recorder = subprocess.Popen(spy, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1)
    drive(wrk, url, headers, seconds, 16, 1)
    recorder.wait(timeout=seconds + 60)
    return read_profile(out)


# ---- reporting -----------------------------------------------------------------------------

SERVERS = ("project", "floor", "datasette")
NEWLINE = b"\n"


def ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}x" if a and b else "n/a"


def table(run: dict[str, Any]) -> list[str]:
    lines = [
        "| scenario | server | req/s | p50 ms | p99 ms | CPU ms/req | errors "
        "| RSS MB (sum / largest) | project/floor | project/Datasette |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, by_server in run["summary"].items():
        scenario = run["scenarios"][name]
        project = by_server.get("project", {}).get("rps")
        if "cpu_ms" in by_server.get("project", {}):
            floor_cpu = by_server.get("floor", {}).get("cpu_ms")
            scenario = {
                **scenario,
                "note": "; ".join(
                    filter(
                        None,
                        [
                            scenario.get("note"),
                            f"CPU per request project/floor "
                            f"{ratio(by_server['project']['cpu_ms'], floor_cpu)}"
                            if floor_cpu
                            else "",
                        ],
                    )
                ),
            }
        first = True
        for server in SERVERS:
            s = by_server.get(server)
            if s is None:
                continue
            label = f"{name}" if first else ""
            ratios = (
                (ratio(project, by_server.get("floor", {}).get("rps")),)
                + (ratio(project, by_server.get("datasette", {}).get("rps")),)
                if first
                else ("", "")
            )
            lines.append(
                f"| {label} | {server} | {s['rps']:.1f} | {s['p50']:.2f} | {s['p99']:.2f} "
                f"| {s.get('cpu_ms', 0.0):.2f} | {int(s['errors'])} "
                f"| {s['rss_sum']:.0f} / {s['rss_max']:.0f} "
                f"| {ratios[0]} | {ratios[1]} |"
            )
            first = False
        if scenario.get("note"):
            lines.append(f"| | _{scenario['note']}_ | | | | | | | | |")
    return lines


def scale_rows(run: dict[str, Any]) -> list[tuple[str, float, float, str]]:
    """(scenario, p50 at the small size, p50 at the large one, label) from a --scale run;
    the CSV export per exported row (the small data exports all its 1,000)."""
    small, big = run["sizes"]
    out = []
    for name, by_server in run["summary"].items():
        if small not in by_server or big not in by_server:
            continue
        a, b = by_server[small]["p50"], by_server[big]["p50"]
        label = name
        if name == "csv":
            a /= _exported(run["checks"][name][small]["first"])
            b /= _exported(run["checks"][name][big]["first"])
            label = "csv (p50 per exported row)"
        out.append((name, a, b, label))
    return out


def scale_table(run: dict[str, Any]) -> list[str]:
    small, big = run["sizes"]
    sizes = f"{run['sizes'][small]:,} -> {run['sizes'][big]:,}"
    lines = [
        f"| scenario | p50 ms, {small} | p50 ms, {big} | scale ({sizes}) | req/s, {small} "
        f"| req/s, {big} | CPU ms/req, {small} | CPU ms/req, {big} | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, a, b, label in scale_rows(run):
        s, g = run["summary"][name][small], run["summary"][name][big]
        digits = 3 if name == "csv" else 2
        lines.append(
            f"| {label} | {a:.{digits}f} | {b:.{digits}f} | {ratio(b, a)} | {s['rps']:.1f} "
            f"| {g['rps']:.1f} | {s['cpu_ms']:.2f} | {g['cpu_ms']:.2f} "
            f"| {int(s['errors'] + g['errors'])} |"
        )
    return lines


def _exported(first: Any) -> int:
    word = str(first).split()[0]
    return int(word) if word.isdigit() else 1


def targets(runs: dict[str, dict[str, Any]], scaled: dict[str, dict[str, Any]]) -> list[str]:
    """The issue's targets, each checked against the measured numbers. The scale target
    from a --scale run where there is one (`scaled`, by database), else from the two runs."""
    out = []
    for key, run in sorted(runs.items()):
        s = run["summary"]
        for name in ("list", "filtered", "detail"):
            if name not in s:
                continue
            p, f, d = (s[name].get(x, {}).get("rps") for x in SERVERS)
            ok = bool(p and f and p >= 0.5 * f)
            out.append(
                f"- {key} {name}: project/floor {ratio(p, f)} (target >= 0.5x): "
                f"{'met' if ok else 'MISSED'}"
            )
            if d:
                ok = bool(p and p >= d)
                out.append(
                    f"- {key} {name}: project/Datasette {ratio(p, d)} (target >= 1.0x): "
                    f"{'met' if ok else 'MISSED'}"
                )
        if "not_modified" in s:
            p, f = s["not_modified"]["project"]["rps"], s["not_modified"]["floor"]["rps"]
            ok = p >= 0.8 * f
            cp = s["not_modified"]["project"].get("cpu_ms")
            cf = s["not_modified"]["floor"].get("cpu_ms")
            cpu = f"; CPU per request floor/project {ratio(cf, cp)}" if cp and cf else ""
            out.append(
                f"- {key} 304: project/floor-constant {ratio(p, f)} (target >= 0.8x): "
                f"{'met' if ok else 'MISSED'}{cpu}"
            )
        if "csv" in s:
            growth = s["csv"]["project"]["rss_growth"]
            out.append(
                f"- {key} CSV export: project RSS grew {growth:.1f} MB at peak "
                f"(target < 50 MB): {'met' if growth < 50 else 'MISSED'}"
            )
        errors = sum(v["errors"] for by in s.values() for n, v in by.items() if n == "project")
        out.append(
            f"- {key}: project errors under load: {int(errors)} (target 0): "
            f"{'met' if errors == 0 else 'MISSED'}"
        )
        data = run.get("data") or {}
        if run["rows"] == 1_000_000 and not data.get("reused") and data.get("seconds"):
            limit = LOAD_TARGET_SECONDS[run["db"]]
            took = data["seconds"]
            out.append(
                f"- {key}: `regsec generate` loaded 1,000,000 commitments in {took:.1f} s "
                f"(whole command; target < {limit} s): {'met' if took < limit else 'MISSED'}"
            )
        if run["rows"] >= 1_000_000:
            largest = max(
                v["rss_max"] for by in s.values() for n, v in by.items() if n == "project"
            )
            out.append(
                f"- {key}: largest project process {largest:.0f} MB RSS (target < 200 MB): "
                f"{'met' if largest < 200 else 'MISSED'}"
            )
    by_db: dict[str, dict[int, dict[str, Any]]] = {}
    for run in runs.values():
        by_db.setdefault(run["db"], {})[run["rows"]] = run
    for db in sorted(set(by_db) | set(scaled)):
        sized = by_db.get(db, {})
        if db in scaled:
            how, pairs = "; one run, taking turns", scaled[db]
        elif 1000 in sized and 1_000_000 in sized:  # two runs: minutes or hours apart
            how, pairs = "", two_runs(sized[1000], sized[1_000_000])
        else:
            continue
        small, big = (f"{rows:,}" for rows in pairs["sizes"].values())
        for name, a, b, label in scale_rows(pairs):
            ok = b <= 1.5 * a
            cpu = ""
            ca, cb = (pairs["summary"][name][k].get("cpu_ms") for k in pairs["sizes"])
            if ca and cb and name != "csv":
                cpu = f"; CPU per request {ca:.2f} -> {cb:.2f} ms ({ratio(cb, ca)})"
            out.append(
                f"- {db} scale, {label}: p50 {a:.2f} ms at {small} -> {b:.2f} ms at {big} "
                f"({ratio(b, a)}, target <= 1.5x{how}): {'met' if ok else 'MISSED'}{cpu}"
            )
    return out


def two_runs(small: dict[str, Any], big: dict[str, Any]) -> dict[str, Any]:
    """The project's figures of a 1k run and a 1M run, shaped as a --scale run's."""
    sizes = {"project-1k": small["rows"], "project-1M": big["rows"]}
    runs = dict(zip(sizes, (small, big), strict=True))
    names = [n for n in small["summary"] if "project" in small["summary"][n]]
    return {
        "sizes": sizes,
        "summary": {
            name: {k: run["summary"][name]["project"] for k, run in runs.items()}
            for name in names
            if "project" in big["summary"].get(name, {})
        },
        "checks": {
            name: {k: run["checks"][name]["project"] for k, run in runs.items()}
            for name in names
            if name in big["checks"]
        },
    }


def machine() -> list[str]:
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    free = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.rstrip()
    return [
        f"- CPU: {cpu}, {os.cpu_count()} cores",
        "- Memory (`free -h`):",
        "",
        "```",
        free,
        "```",
    ]


def versions() -> list[str]:
    import sqlite3
    from importlib.metadata import version

    packages = ["flask", "sqlalchemy", "marshmallow", "gunicorn", "psycopg", "werkzeug"]
    pg = version_of(["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", "SHOW server_version"])
    out = [
        f"- Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, PostgreSQL {pg}",
        "- " + ", ".join(f"{p} {version(p)}" for p in packages),
        f"- {version_of([str(TOOLS / 'bin' / 'datasette'), '--version'])} "
        f"(in bench/.venv-datasette), {version_of([str(TOOLS / 'bin' / 'py-spy'), '--version'])}",
        f"- {version_of(['wrk', '--version'])}",
    ]
    return out


def profile_paragraph(run: dict[str, Any]) -> list[str]:
    out = []
    for name, prof in (run.get("profiles") or {}).items():
        if not prof.get("samples"):
            continue
        selfs = ", ".join(f"{k} {v}%" for k, v in prof["self"].items() if v >= 1)
        stages = ", ".join(f"{k} {v}%" for k, v in prof["inclusive"].items())
        top = ", ".join(f"`{k}` {v}%" for k, v in list(prof["top"].items())[:8])
        out += [
            f"**Profile, `{name}`** ({run['db']}, {run['rows']:,} rows): py-spy --gil at 250 Hz "
            f"over the project's gunicorn workers for 10 s under wrk, {prof['samples']:,} busy "
            f"samples (raw stacks in bench/profiles/, not committed). Self time by package of "
            f"the innermost frame: {selfs}. Samples inside each stage: {stages}. Hottest "
            f"functions: {top}.",
            "",
        ]
    return out


def measured_on(runs: dict[str, dict[str, Any]]) -> list[str]:
    """The Machine and Versions sections, as each run recorded them when it ran (a
    regenerated report must not describe the machine that regenerates it)."""
    groups: dict[str, list[str]] = {}
    recorded: dict[str, tuple[list[str], list[str]]] = {}
    for key, run in runs.items():
        found = (run.get("machine") or ["- not recorded"], run.get("versions") or ["- ?"])
        text = json.dumps(found)
        groups.setdefault(text, []).append(key)
        recorded[text] = found
    out: list[str] = []
    for text, keys in groups.items():
        which = "" if len(groups) == 1 else f" ({', '.join(keys)})"
        lines, tools = recorded[text]
        out += ["## Machine" + which, "", *lines, "", "## Versions" + which, "", *tools, ""]
    return out


def heading(run: dict[str, Any], title: str) -> list[str]:
    """A run's section title, when and on what code it was measured, and its command."""
    return [
        f"## {title}",
        "",
        f"Measured {run['when']}; load average at start {run['load']}; "
        f"code: {run.get('code', '?')}.",
        "",
        "```",
        f"$ {run['command']}",
        "```",
        "",
    ]


def regenerate() -> None:
    found = {p.stem: json.loads(p.read_text()) for p in sorted(RESULTS.glob("*.json"))}
    runs = {key: run for key, run in found.items() if run.get("kind") != "scale"}
    scaled = {run["db"]: run for run in found.values() if run.get("kind") == "scale"}
    for key, run in runs.items():  # re-read raw stacks, so a better summary applies to all
        for name in run.get("profiles") or {}:
            raw = PROFILES / f"{key}-{name}.txt"
            if raw.exists():
                run["profiles"][name] = read_profile(raw)
    lines = [
        "# Benchmark results",
        "",
        "Regenerated by `bench/run.py` (`make bench`) from bench/results/*.json; every number",
        "below comes from a run of that script. How the suite works and why it is set up this",
        "way: bench/README.md.",
        "",
        *measured_on(found),
    ]
    for run in runs.values():
        data = run["data"]
        lines += heading(run, f"{run['db']}, {run['rows']:,} commitments")
        if not data.get("reused"):
            built = " (by an earlier run of this script)" if data.get("earlier") else ""
            took = f" in {data['seconds']} s (wall, whole command)" if data.get("seconds") else ""
            lines += [
                f"Data built by `regsec generate`{built}{took}:",
                "",
                "```",
                data["report"].rstrip(),
                "```",
                "",
            ]
        lines += [
            f"wrk: {run['rounds']} rounds x {run['duration']} s per server and scenario, "
            f"{run['connections']} connections ({run['threads']} thread); servers take turns. "
            "req/s, p50, p99 and CPU ms/req (CPU seconds the server's processes used, from "
            "/proc, per completed request: the figure least moved by other load on the "
            "machine) are the medians over the rounds, "
            "errors the sum, RSS the peak sum over the server's processes (and its largest "
            "single process) sampled from /proc every 50 ms.",
            "",
            *table(run),
            "",
            "Same page check (first row each server returned):",
            "",
        ]
        for name, checked in run["checks"].items():
            firsts = ", ".join(f"{s}: {c['first']} ({c['status']})" for s, c in checked.items())
            lines.append(f"- {name}: {firsts}")
        lines += [""]
        notes = RESULTS / f"{run['db']}-{run['rows']}.notes.md"
        if notes.exists():  # a reviewer's reading of this run, kept beside its data
            lines += [notes.read_text().rstrip(), ""]
        lines += profile_paragraph(run)
        lines += [""]
    for db, run in sorted(scaled.items()):
        small, big = (f"{rows:,}" for rows in run["sizes"].values())
        lines += heading(run, f"{db}, scale in one run: {small} and {big} commitments")
        lines += [
            f"The project twice, each on its own data (the same generator and seed), taking "
            f"turns: {run['rounds']} rounds x {run['duration']} s per server and scenario, "
            f"{run['connections']} connections where a scenario sets no other, the same "
            "requests as the runs above (the "
            "deep and export cursors, the detail and the ETag found in each data set). The "
            "scale target compares the two p50s of the same rounds, so a machine that gets "
            "slower or faster during the run moves both alike; the two runs above were "
            "measured minutes or hours apart. Medians over the rounds.",
            "",
            *scale_table(run),
            "",
        ]
        notes = RESULTS / f"{db}-scale.notes.md"
        if notes.exists():
            lines += [notes.read_text().rstrip(), ""]
    lines += ["## Targets", ""]
    if scaled:
        lines += [
            "The scale target is judged on the run of both sizes taking turns where there is "
            "one (`one run, taking turns`); the notes of the 1M runs above compare the runs "
            "of each size, as they were written then.",
            "",
        ]
    lines += [*targets(runs, scaled), ""]
    (BENCH / "RESULTS.md").write_text("\n".join(lines))


# ---- main ----------------------------------------------------------------------------------


def only(plan: list[Scenario], names: str) -> list[Scenario]:
    wanted = set(filter(None, names.split(",")))
    return [s for s in plan if s.name in wanted] if wanted else plan


def check_and_measure(
    wrk: str, url: str, started: list[Server], plan: list[Scenario], args: argparse.Namespace
) -> tuple[dict[str, Any], dict[str, dict[str, list[dict[str, float]]]]]:
    """The same-page check, one short warming run per server and scenario, the rounds."""
    bases = {s.name: s.base for s in started}
    checks = {s.name: check(s, bases) for s in plan}
    for name, checked in checks.items():
        print(f"check {name}: {checked}", flush=True)
    for scenario in plan:  # warm caches and connections: one short run each
        for name, path in scenario.urls.items():
            if scenario.name in ("search", "csv"):
                continue  # heavy: checked once above, that warms them enough
            drive(wrk, bases[name] + path, scenario.headers_for(name), 2, 8, 1)
    results = measure(
        wrk, url, started, plan, args.rounds, args.duration, args.connections, args.threads
    )
    return checks, results


def run_record(args: argparse.Namespace, load: tuple[float, ...]) -> dict[str, Any]:
    """What every results file says about how and where it was measured."""
    return {
        "db": args.db,
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "load": " ".join(f"{x:.2f}" for x in load),
        "command": ".venv/bin/python bench/run.py " + " ".join(sys.argv[1:]),
        "code": code_version(),
        "machine": machine(),  # the report shows the machine of the runs, not of its writer
        "versions": versions(),
        "rounds": args.rounds,
        "duration": args.duration,
        "connections": args.connections,
        "threads": args.threads,
    }


SMALL = 1000  # the scale target compares every size with this one


def scale_label(rows: int) -> str:
    return f"project-{rows // 1000}k" if rows < 1_000_000 else f"project-{rows // 1_000_000}M"


def run_scale(args: argparse.Namespace, wrk: str) -> None:
    """The scale target in one run: the project on the data at SMALL and at --rows
    commitments, the two taking turns on every scenario (as the servers of a run do), so
    that what else the machine is doing moves both alike. The scale ratio compares the two
    p50s of the same rounds instead of two runs minutes or hours apart."""
    load = os.getloadavg()
    sizes = {scale_label(SMALL): SMALL, scale_label(args.rows): args.rows}
    urls = {name: prepare(args.db, n, args.seed, args.rebuild)[0] for name, n in sizes.items()}
    tmp = Path(tempfile.mkdtemp(prefix="regsec-bench-"))
    started: list[Server] = []
    try:
        logs = DATA / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        plans: dict[str, dict[str, Scenario]] = {}
        for name, rows in sizes.items():
            (tmp / name).mkdir()
            project = servers(args.db, urls[name], tmp / name)[0]  # the project, not started
            project.name, project.db_url = name, urls[name]
            project.start(logs, "/api/v1/commitments?limit=1")
            started.append(project)
            found = scenarios(args.db, urls[name], rows, {"project": project.base})
            plans[name] = {s.name: s for s in found}
        small, big = (plans[name] for name in sizes)
        plan = [
            Scenario(
                s.name,
                s.title,
                {name: plans[name][s.name].urls["project"] for name in sizes},
                connections=s.connections,
                sample_rss=s.sample_rss,
                note=s.note if s.note == big[s.name].note else "",
                longer=s.longer,
                by_server={name: plans[name][s.name].headers for name in sizes},
            )
            for s in only(list(small.values()), args.only)
        ]
        checks, results = check_and_measure(wrk, urls[started[0].name], started, plan, args)
    finally:
        for server in reversed(started):
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)
        if args.db == "postgres" and not args.keep:
            for rows in sizes.values():
                drop_pg(rows)
    run = {
        **run_record(args, load),
        "kind": "scale",
        "sizes": sizes,
        "scenarios": {s.name: {"title": s.title, "note": s.note, "urls": s.urls} for s in plan},
        "checks": checks,
        "summary": summaries(results),
        "raw": results,
    }
    RESULTS.mkdir(exist_ok=True)
    saved = RESULTS / f"{args.db}-scale.json"
    saved.write_text(json.dumps(run, indent=1))
    print("\n".join(scale_table(run)))
    regenerate()
    print(f"wrote {saved} and {BENCH / 'RESULTS.md'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1000, help="commitments (1000, 1000000)")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rebuild", action="store_true", help="regenerate the data")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    parser.add_argument("--profile", default="", help="scenarios to profile (py-spy), a,b")
    parser.add_argument("--only", default="", help="comma-separated scenarios to run")
    parser.add_argument("--report-only", action="store_true", help="regenerate RESULTS.md")
    parser.add_argument(
        "--scale",
        action="store_true",
        help=f"the project at {SMALL:,} and at --rows commitments, taking turns (one run)",
    )
    parser.add_argument("--tree", type=Path, default=ROOT, help="source tree to run")
    args = parser.parse_args()
    global TREE
    TREE = args.tree.resolve()
    if args.report_only:
        regenerate()
        return

    wrk = ensure_wrk()
    ensure_tools()
    if args.scale:
        if args.rows <= SMALL:
            parser.error(f"--scale compares --rows with {SMALL:,}: give more rows")
        run_scale(args, wrk)
        return
    load = os.getloadavg()
    url, data = prepare(args.db, args.rows, args.seed, args.rebuild)
    tmp = Path(tempfile.mkdtemp(prefix="regsec-bench-"))
    started: list[Server] = []
    try:
        logs = DATA / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        for server in servers(args.db, url, tmp):
            ready = {"floor": "/floor/constant", "project": "/api/v1/commitments?limit=1"}
            server.start(logs, ready.get(server.name, "/"))
            started.append(server)
        bases = {s.name: s.base for s in started}
        plan = only(scenarios(args.db, url, args.rows, bases), args.only)
        checks, results = check_and_measure(wrk, url, started, plan, args)
        profiles = {}
        project = next(s for s in started if s.name == "project")
        for name in filter(None, args.profile.split(",")):
            scenario = next(s for s in plan if s.name == name)
            out = PROFILES / f"{args.db}-{args.rows}-{name}.txt"
            url = project.base + scenario.urls["project"]
            print(f"profiling {name} with py-spy", flush=True)
            profiles[name] = profile(project, wrk, url, scenario.headers, 10, out)
    finally:
        for server in reversed(started):
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)
        if args.db == "postgres" and not args.keep:
            drop_pg(args.rows)
    run = {
        **run_record(args, load),
        "rows": args.rows,
        "data": data,
        "scenarios": {s.name: {"title": s.title, "note": s.note, "urls": s.urls} for s in plan},
        "checks": checks,
        "summary": summaries(results),
        "raw": results,
        "profiles": profiles,
    }
    RESULTS.mkdir(exist_ok=True)
    saved = RESULTS / f"{args.db}-{args.rows}.json"
    if data.get("reused") and saved.exists():  # keep the load report of the run that built it
        earlier = json.loads(saved.read_text()).get("data", {})
        if "report" in earlier:
            run["data"] = {**earlier, "reused": False, "earlier": earlier.get("earlier", True)}
    saved.write_text(json.dumps(run, indent=1))
    print("\n".join(table(run)))
    regenerate()
    print(f"wrote {RESULTS / f'{args.db}-{args.rows}.json'} and {BENCH / 'RESULTS.md'}")


if __name__ == "__main__":
    main()
