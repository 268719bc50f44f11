"""webhook inbox: signed Stripe events acknowledged at once and booked by a drainer

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 08:00:00

New table ``webhook_inbox`` (one row per Stripe event id, deleted in the transaction that books
it): with ``ESTRADE_WEBHOOK_INBOX`` the webhook verifies the signature, stores the event and
answers 200; ``app.donations.inbox`` books the rows in batches (``estrade webhooks drain``).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'webhook_inbox',
        sa.Column('id', sa.String(length=255), nullable=False),
        sa.Column('type', sa.String(length=100), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('received_at', sa.DateTime(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(), nullable=True),
        sa.Column('claimed_until', sa.DateTime(), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_inbox')),
    )
    op.create_index('ix_webhook_inbox_received_at', 'webhook_inbox', ['received_at'],
                    unique=False)


def downgrade():
    op.drop_index('ix_webhook_inbox_received_at', table_name='webhook_inbox')
    op.drop_table('webhook_inbox')
