"""The README shows the two set-up commands in its Quickstart."""

from __future__ import annotations

from api.config import PROJECT_ROOT


def test_quickstart_shows_make_run_and_make_test() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    quickstart = readme.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    lines = [line.split("#")[0].strip() for line in quickstart.splitlines()]
    assert "make run" in lines and "make test" in lines
