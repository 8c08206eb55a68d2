"""index the kind, domain, status and title sort keys, both ways

A list sorted by one of these keys (`commitments?sort=kind`, `?sort=-status`, `?sort=title`,
meetings and incidents by kind or title) sorted the whole table for every page: 138-189 ms
per page at 1M commitments on SQLite. Like the date sorts (0005), one index per direction,
the key then the slug ascending (the API's tiebreaker in both directions), lets a page read
its rows in order. The ascending ones replace the single-column indexes on kind and domain:
they serve an equality filter on the key as well, in slug order.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 08:10:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

KEYS = {
    "commitments": ("kind", "domain", "status", "title"),
    "meetings": ("kind", "title"),
    "incidents": ("kind", "title"),
}
# Single-column indexes the ascending sort indexes make redundant.
REPLACED = (("commitments", "kind"), ("commitments", "domain"), ("incidents", "kind"))


def upgrade() -> None:
    for table, column in REPLACED:
        op.drop_index(f"ix_{table}_{column}", table_name=table)
    for table, columns in KEYS.items():
        for column in columns:
            name = f"ix_{table}_{column}_sort"
            op.create_index(name, table, [column, "slug"])
            op.create_index(f"{name}_desc", table, [sa.text(f"{column} DESC"), "slug"])


def downgrade() -> None:
    for table, columns in KEYS.items():
        for column in columns:
            name = f"ix_{table}_{column}_sort"
            op.drop_index(f"{name}_desc", table_name=table)
            op.drop_index(name, table_name=table)
    for table, column in REPLACED:
        op.create_index(f"ix_{table}_{column}", table, [column])
