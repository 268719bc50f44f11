"""donors: an index on merged_into_id, so a donor's group is found without a scan

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-02 01:40:00

Every gift's cap check looks up the donor records merged into the person
(``ledger.locks.donor_group``: ``WHERE merged_into_id IN (…)``); without an index that reads
every donor of the installation, so the check grew with the number of donors
(bench/cap_bench.py). An index only: no data changes.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('donors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_donors_merged_into_id'), ['merged_into_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('donors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_donors_merged_into_id'))
