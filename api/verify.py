"""Check every evidence quote in the seeds against the full source texts (kept outside)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .seeding import SeedError, read_all


@dataclass
class VerifyResult:
    checked: int = 0
    citations: int = 0
    problems: list[str] = field(default_factory=list)


def normalize(text: str) -> str:
    """Collapse every run of whitespace to one space: quotes match modulo whitespace."""
    return " ".join(text.split())


def paragraphs(text: str) -> list[str]:
    """Non-empty lines, numbered from 1 by the seeds' `paragraph` locator."""
    return [line for line in text.splitlines() if line.strip()]


def evidence_items(record: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every evidence item in a record, nested ones included, with where it sits."""
    if isinstance(record, dict):
        for key, value in record.items():
            if key == "evidence" and isinstance(value, list):
                for i, item in enumerate(value):
                    yield f"{path}.evidence[{i}]", item
            else:
                yield from evidence_items(value, f"{path}.{key}")
    elif isinstance(record, list):
        for i, value in enumerate(record):
            yield from evidence_items(value, f"{path}[{i}]")


def verify_quotes(seeds: Path, texts: Path) -> VerifyResult:
    files = read_all(seeds)
    sources = {r["id"]: r for name, records, _ in files if name == "sources.yaml" for r in records}
    result = VerifyResult()
    cache: dict[str, str] = {}
    for name, records, _ in files:
        for record in records:
            where = f"{name} {record['id']}"
            for path, item in evidence_items(record, where):
                source = sources.get(item["source"])
                if source is None:
                    raise SeedError(f"{path}: unknown source {item['source']!r}")
                if item["quote"] is None:
                    result.citations += 1
                    continue
                document = source.get("document")
                if not document:
                    result.problems.append(f"{path}: source {source['id']} has no document")
                    continue
                if document not in cache:
                    file = texts / document
                    if not file.is_file():
                        raise SeedError(f"{path}: source text {document} not found in {texts}")
                    cache[document] = file.read_text(encoding="utf-8")
                result.checked += 1
                text = cache[document]
                haystack = text
                if item["paragraph"] is not None:
                    paras = paragraphs(text)
                    if item["paragraph"] > len(paras):
                        result.problems.append(
                            f"{path}: {document} has no paragraph {item['paragraph']}"
                        )
                        continue
                    haystack = paras[item["paragraph"] - 1]
                if normalize(item["quote"]) not in normalize(haystack):
                    result.problems.append(
                        f"{path}: quote not found verbatim in {document}"
                        + (f" paragraph {item['paragraph']}" if item["paragraph"] else "")
                        + f": {item['quote'][:80]!r}"
                    )
    return result
