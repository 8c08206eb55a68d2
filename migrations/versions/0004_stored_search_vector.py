"""PostgreSQL: keep each search document's tsvector in a stored generated column

Ranking (`ts_rank`) needs the document's vector for every match; computed from the body at
query time, that parsed every matching document on every search (~4 s per request for a
frequent phrase at 1M commitments, bench/RESULTS.md). A stored generated column holds it
once, and the GIN index is built on that column. SQLite (FTS5) is unchanged.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 03:25:00

"""
from typing import Sequence, Union

from alembic import op


revision: str = '0004'
down_revision: Union[str, Sequence[str], None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "ALTER TABLE search_documents ADD COLUMN vector tsvector "
        "GENERATED ALWAYS AS (to_tsvector('english', body)) STORED"
    )
    op.execute("DROP INDEX IF EXISTS ix_search_documents_tsv")
    op.execute("CREATE INDEX ix_search_documents_vector ON search_documents USING gin (vector)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_search_documents_vector")
    op.execute("ALTER TABLE search_documents DROP COLUMN vector")
    op.execute(
        "CREATE INDEX ix_search_documents_tsv ON search_documents "
        "USING gin (to_tsvector('english', body))"
    )
