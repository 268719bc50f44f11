"""entries and receipts: a refund request names the ledger entry that paid it

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 01:00:00

A plain ADD COLUMN on refund_requests (a projection of the evidence journal: the events
written from now on record the new field; older events, which do not, still verify). The
receipts register (DON-11) and the new entry kinds need no table: receipts are events of their
own chain in ``ledger_events`` (``receipts:<campaign id>``), entries keep their columns.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('refund_requests', sa.Column('refund_entry_id', sa.Integer(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.create_foreign_key(op.f('fk_refund_requests_refund_entry_id_ledger_entries'),
                              'refund_requests', 'ledger_entries', ['refund_entry_id'], ['id'])


def downgrade():
    with op.batch_alter_table('refund_requests', schema=None) as batch_op:
        batch_op.drop_column('refund_entry_id')
