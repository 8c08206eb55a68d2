"""drop two indexes that a unique constraint already provides

`evidence_links (evidence_id)` is the leading column of the unique
(evidence_id, subject_type, subject_id, supports), and `evidence (source_id)` of the unique
(source_id, quote_key): both databases look rows up by those prefixes through the unique
indexes. The separate indexes only cost writes (9% of the CPU of a 1M-row synthetic load).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 03:50:00

"""
from typing import Sequence, Union

from alembic import op


revision: str = '0003'
down_revision: Union[str, Sequence[str], None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.drop_index('ix_evidence_links_evidence_id', table_name='evidence_links')
    op.drop_index('ix_evidence_source_id', table_name='evidence')


def downgrade() -> None:
    op.create_index('ix_evidence_source_id', 'evidence', ['source_id'], unique=False)
    op.create_index('ix_evidence_links_evidence_id', 'evidence_links', ['evidence_id'], unique=False)
