"""The README shows the two set-up commands, and its curl examples print what it says."""

from __future__ import annotations

import json
import re

import pytest
from flask.testing import FlaskClient

from api.config import PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLE = re.compile(r"```sh\ncurl -s '([^']+)'\n```\n\n```json\n(.*?)\n```", re.DOTALL)


def test_quickstart_shows_make_run_and_make_test() -> None:
    quickstart = README.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    lines = [line.split("#")[0].strip() for line in quickstart.splitlines()]
    assert "make run" in lines and "make test" in lines


def test_the_readme_has_three_curl_examples() -> None:
    assert len(EXAMPLE.findall(README)) == 3


@pytest.mark.parametrize("url, output", EXAMPLE.findall(README))
def test_each_curl_example_prints_its_documented_output(
    client: FlaskClient, url: str, output: str
) -> None:
    base, _, path = url.partition("/api/")
    response = client.get("/api/" + path, base_url=base)
    assert response.status_code == 200
    assert response.get_json() == json.loads(output)
