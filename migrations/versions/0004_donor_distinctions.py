"""donor distinctions: pairs of look-alike donor records the treasurer keeps apart

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 07:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('donor_distinctions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('first_id', sa.Integer(), nullable=False),
    sa.Column('second_id', sa.Integer(), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['by_id'], ['users.id'], name=op.f('fk_donor_distinctions_by_id_users')),
    sa.ForeignKeyConstraint(['first_id'], ['donors.id'], name=op.f('fk_donor_distinctions_first_id_donors')),
    sa.ForeignKeyConstraint(['second_id'], ['donors.id'], name=op.f('fk_donor_distinctions_second_id_donors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_donor_distinctions')),
    sa.UniqueConstraint('first_id', 'second_id', name=op.f('uq_donor_distinctions_first_id'))
    )


def downgrade():
    op.drop_table('donor_distinctions')
