"""payout matches: a Stripe payout matched to its bank statement line (REP-3)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 02:40:00

New table ``payout_matches``: one row per campaign and payout, with the bank line (date,
label, amount), how it was matched (by hand or from the bank's CSV), by whom and when. Payouts
themselves are read from Stripe, never stored. A new table only: nothing else changes.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('payout_matches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('payout_id', sa.String(length=255), nullable=False),
    sa.Column('payout_amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('bank_on', sa.Date(), nullable=False),
    sa.Column('bank_label', sa.String(length=300), nullable=False),
    sa.Column('bank_amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('matched_by_id', sa.Integer(), nullable=True),
    sa.Column('matched_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_payout_matches_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['matched_by_id'], ['users.id'], name=op.f('fk_payout_matches_matched_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payout_matches')),
    sa.UniqueConstraint('campaign_id', 'payout_id', name=op.f('uq_payout_matches_campaign_id'))
    )
    with op.batch_alter_table('payout_matches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payout_matches_campaign_id'), ['campaign_id'], unique=False)


def downgrade():
    with op.batch_alter_table('payout_matches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payout_matches_campaign_id'))
    op.drop_table('payout_matches')
