"""privacy: newsletter consent records, erased donations, purged mail bodies

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 01:00:00

New table ``newsletter_consents`` (GDPR-1: each consent and withdrawal, with its time, the
version of the wording shown and where it came from), ``donations.erased_at`` (a row
pseudonymised by ``estrade donors erase`` or the retention job) and, on ``outgoing_mail``, the
site that sent it, its unsubscribe link and when its body was purged. Plain ADD COLUMNs and a
new table: the ledger's tables and triggers are untouched.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('newsletter_consents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('email_key', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('text_version', sa.String(length=40), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=255), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_newsletter_consents_site_id_sites')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_newsletter_consents'))
    )
    with op.batch_alter_table('newsletter_consents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_newsletter_consents_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_newsletter_consents_email_key'), ['email_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_newsletter_consents_site_id'), ['site_id'], unique=False)
    op.add_column('donations', sa.Column('erased_at', sa.DateTime(), nullable=True))
    op.add_column('outgoing_mail', sa.Column('site_id', sa.Integer(), nullable=True))
    op.add_column('outgoing_mail', sa.Column('unsubscribe_url', sa.String(length=500),
                                             nullable=True))
    op.add_column('outgoing_mail', sa.Column('purged_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.drop_column('purged_at')
        batch_op.drop_column('unsubscribe_url')
        batch_op.drop_column('site_id')
    with op.batch_alter_table('donations', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
    with op.batch_alter_table('newsletter_consents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_newsletter_consents_site_id'))
        batch_op.drop_index(batch_op.f('ix_newsletter_consents_email_key'))
        batch_op.drop_index(batch_op.f('ix_newsletter_consents_email'))
    op.drop_table('newsletter_consents')
