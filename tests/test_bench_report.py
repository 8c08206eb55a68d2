"""bench/RESULTS.md judges the scale target (p50 at 1M within 1.5x of p50 at 1k) from a
`--scale` run, where the project at both sizes took turns in the same rounds, and from the
two runs of each size only where there is no such run."""

from __future__ import annotations

from typing import Any

from bench import run as bench


def stats(p50: float, cpu_ms: float = 1.0) -> dict[str, float]:
    return {"p50": p50, "cpu_ms": cpu_ms, "rps": 100.0, "errors": 0.0, "rss_max": 100.0}


def sized_run(rows: int, list_p50: float, csv_p50: float, exported: int) -> dict[str, Any]:
    return {
        "db": "sqlite",
        "rows": rows,
        "data": {"reused": True},
        "summary": {
            "list": {"project": stats(list_p50)},
            "csv": {"project": {**stats(csv_p50), "rss_growth": 1.0}},
        },
        "checks": {
            "list": {"project": {"first": "syn-1"}},
            "csv": {"project": {"first": f"{exported} rows"}},
        },
    }


def scale_run(small: dict[str, float], big: dict[str, float]) -> dict[str, Any]:
    sizes = {"project-1k": 1000, "project-1M": 1_000_000}
    return {
        "kind": "scale",
        "db": "sqlite",
        "sizes": sizes,
        "summary": {
            name: {"project-1k": stats(small[name]), "project-1M": stats(big[name])}
            for name in small
        },
        "checks": {
            "list": {"project-1k": {"first": "syn-1"}, "project-1M": {"first": "syn-1"}},
            "csv": {
                "project-1k": {"first": "1000 rows"},
                "project-1M": {"first": "10000 rows"},
            },
        },
    }


def scale_lines(lines: list[str]) -> list[str]:
    return [line for line in lines if " scale, " in line]


def test_two_runs_are_compared_when_there_is_no_scale_run() -> None:
    runs = {
        "sqlite-1000": sized_run(1000, 10.0, 50.0, 1000),
        "sqlite-1000000": sized_run(1_000_000, 20.0, 400.0, 10_000),
    }
    lines = scale_lines(bench.targets(runs, {}))
    assert lines[0].startswith("- sqlite scale, list: p50 10.00 ms at 1,000 -> 20.00 ms")
    assert "(2.00x, target <= 1.5x): MISSED" in lines[0]
    # the export per exported row: 0.05 ms at 1k, 0.04 ms at 1M
    assert lines[1].startswith("- sqlite scale, csv (p50 per exported row): p50 0.05 ms")
    assert "(0.80x, target <= 1.5x): met" in lines[1]


def test_a_scale_run_decides_the_target_instead_of_the_two_runs() -> None:
    runs = {
        "sqlite-1000": sized_run(1000, 10.0, 50.0, 1000),
        "sqlite-1000000": sized_run(1_000_000, 20.0, 400.0, 10_000),
    }
    scaled = {"sqlite": scale_run({"list": 12.0, "csv": 50.0}, {"list": 14.0, "csv": 900.0})}
    lines = scale_lines(bench.targets(runs, scaled))
    assert len(lines) == 2  # one verdict per scenario: the two runs' 2.00x is not repeated
    assert "p50 12.00 ms at 1,000 -> 14.00 ms at 1,000,000 (1.17x" in lines[0]
    assert lines[0].endswith(
        "target <= 1.5x; one run, taking turns): met; CPU per request 1.00 -> 1.00 ms (1.00x)"
    )
    assert "(1.80x, target <= 1.5x; one run, taking turns): MISSED" in lines[1]


def test_the_scale_table_names_both_sizes() -> None:
    table = bench.scale_table(scale_run({"list": 12.0}, {"list": 18.0}))
    assert table[0].startswith("| scenario | p50 ms, project-1k | p50 ms, project-1M |")
    assert table[2].startswith("| list | 12.00 | 18.00 | 1.50x |")
