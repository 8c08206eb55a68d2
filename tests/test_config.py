"""Every setting does something, and the README documents each one an operator can set."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest

from api.config import PROJECT_ROOT, from_env

SOURCES = "\n".join(
    path.read_text(encoding="utf-8")
    for path in sorted((PROJECT_ROOT / "api").rglob("*.py"))
    if path.name != "config.py"
)
README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
# Settings Flask reads itself (app.debug), and the switch the tests flip to compare the
# plain-row reads with the ORM's (not for operators).
READ_BY_FLASK = {"DEBUG"}
INTERNAL = {"DEBUG", "PLAIN_READS"}
# Settings kept under another name than the variable that sets them (api/config.py).
VARIABLE = {"RATELIMIT_APPLICATION": "RATELIMIT_DEFAULT"}


@pytest.mark.parametrize("name", sorted(from_env({})))
def test_each_setting_is_read_by_the_app(name: str) -> None:
    # A setting nothing reads is a promise the app does not keep (a documented
    # TRUSTED_PROXIES once changed nothing).
    assert name in READ_BY_FLASK or re.search(rf"\b{name}\b", SOURCES), name


@pytest.mark.parametrize("name", sorted(set(from_env({})) - INTERNAL))
def test_each_setting_an_operator_can_set_is_in_the_readme(name: str) -> None:
    name = VARIABLE.get(name, name)
    assert f"| `{name}`" in README or f"`{name}` |" in README or f"/ `{name}`" in README, name


def test_a_log_level_may_be_written_in_lower_case(make_app: Any) -> None:
    logger = logging.getLogger("regsec")
    before = logger.level
    try:
        make_app({"LOG_LEVEL": "debug"})  # once stopped the app: Unknown level: 'debug'
        assert logger.level == logging.DEBUG
        make_app({"LOG_LEVEL": "Warning"})
        assert logger.level == logging.WARNING
    finally:
        logger.setLevel(before)
