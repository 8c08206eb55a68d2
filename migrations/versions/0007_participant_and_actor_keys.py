"""index the organization and person of a meeting participant, the organization of an
incident actor, where present

A filter on a list's related rows (`participant=`, `actor=`, and the meetings and incidents
of an organization or a person) first reads at most 2,001 of those rows by their actor key
(api/queries.py few_or_any). Countries were indexed; these three keys were not, so a rare
organization or person was found by scanning the table once per data version and process
(339,302 participants at 1M commitments: 14.5-14.8 ms in SQLite alone; 0.01 ms with these).
Partial (the rows that have the key): over a column NULL in every row, a whole index told
SQLite's planner that a key matched every row, and it kept scanning.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 05:25:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0007'
down_revision: Union[str, Sequence[str], None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

KEYS = (
    ("meeting_participants", "organization_id"),
    ("meeting_participants", "person_id"),
    ("incident_actors", "organization_id"),
)


def upgrade() -> None:
    for table, column in KEYS:
        present = sa.text(f"{column} IS NOT NULL")
        op.create_index(
            f"ix_{table}_{column}",
            table,
            [column],
            sqlite_where=present,
            postgresql_where=present,
        )


def downgrade() -> None:
    for table, column in reversed(KEYS):
        op.drop_index(f"ix_{table}_{column}", table_name=table)
