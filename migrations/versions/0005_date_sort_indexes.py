"""index the date sort keys of commitments, meetings and incidents, both ways

A list sorted by a nullable date orders by coalesce(date, '9999-12-31') and then the slug
(`models.base.date_sort_key`); without an index on that expression both databases sorted
the whole table for every page (`commitments?sort=-made_on`: 265-350 ms at 1M rows on
SQLite). One index per direction (the slug ascending in both, as the API pages) lets a page
read the index: 0.12 ms.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 17:10:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

DATES = (("commitments", "made_on"), ("meetings", "start_date"), ("incidents", "occurred_on"))


def upgrade() -> None:
    for table, column in DATES:
        key = f"coalesce({column}, '9999-12-31')"
        name = f"ix_{table}_{column}_sort"
        op.create_index(name, table, [sa.text(key), "slug"])
        op.create_index(f"{name}_desc", table, [sa.text(f"{key} DESC"), "slug"])


def downgrade() -> None:
    for table, column in DATES:
        name = f"ix_{table}_{column}_sort"
        op.drop_index(f"{name}_desc", table_name=table)
        op.drop_index(name, table_name=table)
