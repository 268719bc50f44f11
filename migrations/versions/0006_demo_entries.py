"""demonstration entries: a flag on ledger entries booked by demonstration payments

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 23:00:00

The flag is covered by an entry's digest only when set, so existing chains verify unchanged.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN (no table rebuild), so the append-only triggers stay in place.
    op.add_column('ledger_entries', sa.Column('demo', sa.Boolean(), nullable=False,
                                              server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_column('demo')
