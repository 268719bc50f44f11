"""site memberships: roles per site (editor, treasurer, site admin) and the installation admin

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 22:00:00

Existing accounts keep what they could do: an "admin" becomes the installation administrator
and a member of every site with every role (so nothing they reached before disappears); an
"editor" or "treasurer" becomes a member of every existing site with that role.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('memberships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('granted_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['granted_by_id'], ['users.id'], name=op.f('fk_memberships_granted_by_id_users')),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_memberships_site_id_sites')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_memberships_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_memberships')),
    sa.UniqueConstraint('user_id', 'site_id', 'role', name=op.f('uq_memberships_user_id'))
    )
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_memberships_site_id'), ['site_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_memberships_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_admin', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))

    bind = op.get_bind()
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('role', sa.String),
                     sa.column('is_admin', sa.Boolean))
    sites = sa.table('sites', sa.column('id', sa.Integer))
    memberships = sa.table('memberships', sa.column('user_id', sa.Integer),
                           sa.column('site_id', sa.Integer), sa.column('role', sa.String),
                           sa.column('created_at', sa.DateTime))
    bind.execute(users.update().where(users.c.role == 'admin').values(is_admin=True))
    site_ids = [row[0] for row in bind.execute(sa.select(sites.c.id))]
    rows = []
    for user_id, role in bind.execute(sa.select(users.c.id, users.c.role)):
        roles = ('editor', 'treasurer', 'site_admin') if role == 'admin' else (role,)
        rows += [{'user_id': user_id, 'site_id': site_id, 'role': r, 'created_at': sa.func.now()}
                 for site_id in site_ids for r in roles if r in ('editor', 'treasurer', 'site_admin')]
    for row in rows:
        bind.execute(memberships.insert().values(**row))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('role')


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('role', sa.String(length=20), nullable=False,
                                      server_default='editor'))
    bind = op.get_bind()
    bind.execute(sa.text("UPDATE users SET role = 'admin' WHERE is_admin"))
    bind.execute(sa.text("UPDATE users SET role = 'treasurer' WHERE NOT is_admin AND id IN "
                         "(SELECT user_id FROM memberships WHERE role = 'treasurer')"))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('is_admin')
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_memberships_user_id'))
        batch_op.drop_index(batch_op.f('ix_memberships_site_id'))
    op.drop_table('memberships')
