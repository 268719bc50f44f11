"""audit rows name their site: the per-site « Journal » shows a site admin their site only

Revision ID: 0019
Revises: 0016
Create Date: 2026-12-02 04:50:00

New nullable column ``audit_log.site_id`` (indexed; plain ADD COLUMN, no table rebuild), set by
``app.audit.record`` from the object or the details it is given. Rows written before it keep
NULL, except those about a site itself (``object_type = 'Site'``), filled from their object id:
a NULL row is shown to the installation administrator only.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('audit_log', sa.Column('site_id', sa.Integer(), nullable=True))
    op.create_index('ix_audit_log_site_id', 'audit_log', ['site_id'], unique=False)
    op.execute("UPDATE audit_log SET site_id = CAST(object_id AS INTEGER) "
               "WHERE object_type = 'Site' AND object_id IS NOT NULL")


def downgrade():
    op.drop_index('ix_audit_log_site_id', table_name='audit_log')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_column('site_id')
