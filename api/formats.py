"""Content negotiation and streamed exports: JSON, CSV (RFC 4180), NDJSON, GeoJSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from flask import request

from .errors import ApiError, bad_parameter

JSON = "application/json"
CSV = "text/csv"
NDJSON = "application/x-ndjson"
GEOJSON = "application/geo+json"
BY_NAME = {"json": JSON, "csv": CSV, "ndjson": NDJSON, "geojson": GEOJSON}
NAME_OF = {v: k for k, v in BY_NAME.items()}


def negotiate(offered: Iterable[str], format_param: str | None = None) -> str:
    """The media type to answer with: `format=` wins, then the Accept header; else 406."""
    offered = list(offered)
    if format_param is not None:
        media = BY_NAME.get(format_param)
        if media not in offered:
            names = ", ".join(NAME_OF[o] for o in offered)
            raise bad_parameter("format", f"Must be one of: {names}.")
        assert media is not None
        return media
    if not request.accept_mimetypes:
        return offered[0]
    match = request.accept_mimetypes.best_match(offered)
    if match is None:
        raise ApiError(
            406,
            "None of the media types in Accept can be produced here. Available: "
            + ", ".join(offered)
            + ".",
            title="Not acceptable",
        )
    return match


# Characters of an export sent to the client at a time.
CHUNK = 32 * 1024


def _cell(value: Any) -> Any:
    """One CSV cell: references as their id, lists of references joined by ';'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        return value
    if isinstance(value, dict):
        if "id" in value and "type" in value:
            return value["id"]
        inner = next((v for v in value.values() if isinstance(v, dict) and "id" in v), None)
        if inner is not None:  # a nested row such as {party: ref, scope}
            return inner["id"]
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        cells = [_cell(v) for v in value]
        if all(isinstance(c, str) and not c.startswith(("{", "[")) for c in cells):
            return ";".join(str(c) for c in cells)
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def csv_lines(items: Iterator[dict[str, Any]], columns: list[str]) -> Iterator[str]:
    """RFC 4180 CSV, header first (also when no row matches); text always quoted so codes
    like NA stay text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
    writer.writerow(columns)
    for item in items:
        writer.writerow([_cell(item.get(c)) for c in columns])
        if buffer.tell() >= CHUNK:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def ndjson_lines(items: Iterator[dict[str, Any]]) -> Iterator[str]:
    return chunked(json.dumps(item, ensure_ascii=False) + "\n" for item in items)


def chunked(pieces: Iterator[str], size: int | None = None) -> Iterator[str]:
    """Join small pieces into chunks of about `size` characters: one write to the client
    per chunk instead of one per row, while memory stays bounded by the chunk."""
    limit = size or CHUNK
    parts: list[str] = []
    held = 0
    for piece in pieces:
        parts.append(piece)
        held += len(piece)
        if held >= limit:
            yield "".join(parts)
            parts.clear()
            held = 0
    if parts:
        yield "".join(parts)


def geojson_chunks(items: Iterator[dict[str, Any]]) -> Iterator[str]:
    """A FeatureCollection, streamed in chunks of features; geometry null where unknown."""
    return chunked(_geojson_pieces(items))


def _geojson_pieces(items: Iterator[dict[str, Any]]) -> Iterator[str]:
    yield '{"type": "FeatureCollection", "features": ['
    first = True
    for item in items:
        properties = dict(item)
        geometry = properties.pop("geometry", None)
        feature = {
            "type": "Feature",
            "id": item["id"],
            "geometry": geometry,
            "properties": properties,
        }
        yield ("" if first else ",") + json.dumps(feature, ensure_ascii=False)
        first = False
    yield "]}"
