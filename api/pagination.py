"""One keyset paginator for every list: opaque signed cursors, stable order, cheap counts."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from flask import current_app, request
from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute

from . import db
from .errors import bad_parameter

COUNT_CAP = 10_000


@dataclass(frozen=True)
class SortKey:
    """One column of a list's order; the last key of every order must be unique."""

    column: InstrumentedAttribute[Any]
    descending: bool = False

    def value(self, row: Any) -> Any:
        return getattr(row, self.column.key)


@dataclass
class Page:
    items: Sequence[Any]
    limit: int
    total: int | None
    total_exceeds: int | None
    next_cursor: str | None
    prev_cursor: str | None

    def links(self) -> dict[str, str | None]:
        return {
            "self": request.url,
            "next": _page_url(self.next_cursor),
            "prev": _page_url(self.prev_cursor),
        }

    def envelope(self, data: list[dict[str, Any]]) -> dict[str, Any]:
        meta: dict[str, Any] = {"limit": self.limit, "total": self.total}
        if self.total_exceeds is not None:
            meta["total_exceeds"] = self.total_exceeds
        return {"data": data, "links": self.links(), "meta": meta}

    def link_header(self) -> str | None:
        parts = [
            f'<{url}>; rel="{rel}"'
            for rel, url in (
                ("next", _page_url(self.next_cursor)),
                ("prev", _page_url(self.prev_cursor)),
            )
            if url
        ]
        return ", ".join(parts) or None


def paginate(stmt: Select[Any], order: Sequence[SortKey], args: dict[str, Any]) -> Page:
    """Run `stmt` as one keyset page ordered by `order`, as asked by `limit`/`cursor`/`count`."""
    limit: int = args["limit"]
    session = db.session()
    total: int | None = None
    exceeds: int | None = None
    if args.get("count", True):
        capped = stmt.with_only_columns(order[-1].column).order_by(None).limit(COUNT_CAP + 1)
        total = session.scalar(select(func.count()).select_from(capped.subquery()))
        if total is not None and total > COUNT_CAP:
            total, exceeds = None, COUNT_CAP

    backwards = False
    if args.get("cursor"):
        direction, values = decode_cursor(args["cursor"], order)
        backwards = direction == "prev"
        stmt = stmt.where(_after(order, values, reverse=backwards))
    ordering = [_ordered(k, reverse=backwards) for k in order]
    rows = list(session.scalars(stmt.order_by(*ordering).limit(limit + 1)).unique())
    has_more = len(rows) > limit
    rows = rows[:limit]
    if backwards:
        rows.reverse()
    next_cursor = prev_cursor = None
    if rows:
        if has_more or backwards:
            next_cursor = encode_cursor("next", [k.value(rows[-1]) for k in order])
        if args.get("cursor") and (has_more or not backwards):
            prev_cursor = encode_cursor("prev", [k.value(rows[0]) for k in order])
    return Page(rows, limit, total, exceeds, next_cursor, prev_cursor)


def _ordered(key: SortKey, *, reverse: bool) -> ColumnElement[Any]:
    descending = key.descending != reverse
    return key.column.desc() if descending else key.column.asc()


def _after(order: Sequence[SortKey], values: list[Any], *, reverse: bool) -> ColumnElement[bool]:
    """Rows strictly after (or before, when reversed) the key `values` in `order`."""
    clauses = []
    for i, key in enumerate(order):
        descending = key.descending != reverse
        column = key.column
        step = column < values[i] if descending else column > values[i]
        equal_prefix = [order[j].column == values[j] for j in range(i)]
        clauses.append(and_(*equal_prefix, step))
    return or_(*clauses)


def _signature(payload: bytes) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, payload, hashlib.sha256).digest()[:12]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def encode_cursor(direction: str, values: list[Any]) -> str:
    plain = [v.isoformat() if isinstance(v, dt.date) else v for v in values]
    payload = json.dumps([direction, plain], separators=(",", ":")).encode()
    body = base64.urlsafe_b64encode(payload).decode().rstrip("=")
    return f"{body}.{_signature(payload)}"


def decode_cursor(cursor: str, order: Sequence[SortKey]) -> tuple[str, list[Any]]:
    """Check a cursor's signature and shape; a forged or stale one is a 400."""
    invalid = bad_parameter("cursor", "Not a cursor issued by this list.")
    body, _, signature = cursor.partition(".")
    try:
        payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        raise invalid from None
    if not signature or not hmac.compare_digest(signature, _signature(payload)):
        raise invalid
    try:
        direction, values = json.loads(payload)
    except (ValueError, TypeError):
        raise invalid from None
    if direction not in ("next", "prev") or not isinstance(values, list):
        raise invalid
    if len(values) != len(order):
        raise invalid
    typed = []
    for key, value in zip(order, values, strict=True):
        python_type = key.column.type.python_type
        if value is not None and python_type is dt.date:
            value = dt.date.fromisoformat(value)
        typed.append(value)
    return direction, typed


def _page_url(cursor: str | None) -> str | None:
    if cursor is None:
        return None
    args = request.args.to_dict(flat=True)
    args["cursor"] = cursor
    return f"{request.base_url}?{urlencode(args)}"
