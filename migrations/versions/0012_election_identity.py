"""election identity: kind, first-round date, scope and territory instead of a free-text name

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 01:00:00

DON-2 (CE L52-8 al. 1) counts 4 600 € per donor "lors des mêmes élections": one general
municipal election nationwide, whatever each campaign called it. Existing rows get their
scope: a ``partielle`` has no recorded territory, so it gets scope ``ancienne`` of its own
until ``estrade campaign load`` names it (the campaign file's identity is then adopted); of
several rows of one general
election (same kind and first round) the oldest becomes it, and the others are folded into it
when nothing was booked or asked for under them yet. A row with money (ledger entries, donors,
donations, journal events) cannot be folded: its entries are sealed (append-only triggers,
digests) and name it, so it keeps its own identity, scope ``ancienne``, for the treasurer to
check (docs/campaign-file.md). Each campaign keeps the old name as its own label (DON-9 text).
Plain ADD COLUMN and CREATE INDEX only: no table is rebuilt, no trigger touched.
"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

#: Tables whose rows name an election and cannot be moved to another one.
MONEY_TABLES = ("ledger_entries", "donors", "donations", "ledger_events")


def upgrade():
    op.add_column('elections', sa.Column('scope', sa.String(length=20), nullable=False,
                                         server_default='generale'))
    op.add_column('elections', sa.Column('territory', sa.String(length=100), nullable=False,
                                         server_default=''))
    op.add_column('campaigns', sa.Column('election_label', sa.String(length=200),
                                         nullable=True))
    bind = op.get_bind()
    bind.execute(sa.text("UPDATE campaigns SET election_label = (SELECT name FROM elections "
                         "WHERE elections.id = campaigns.election_id)"))
    rows = bind.execute(sa.text("SELECT id, name, kind, round1 FROM elections ORDER BY id")).all()
    kept: dict[tuple[str, str], int] = {}
    for election_id, name, kind, round1 in rows:
        if kind == 'partielle':  # its territory is not recorded: the next load names it
            bind.execute(sa.text("UPDATE elections SET scope = 'ancienne', territory = :t "
                                 "WHERE id = :id"), {"t": str(election_id), "id": election_id})
            continue
        key = (kind, str(round1))
        if key not in kept:
            kept[key] = election_id
            continue
        used = any(bind.execute(sa.text(f"SELECT 1 FROM {table} WHERE election_id = :id "
                                        "LIMIT 1"), {"id": election_id}).first()
                   for table in MONEY_TABLES)
        if used:
            bind.execute(sa.text("UPDATE elections SET scope = 'ancienne', territory = :t "
                                 "WHERE id = :id"), {"t": str(election_id), "id": election_id})
        else:
            bind.execute(sa.text("UPDATE campaigns SET election_id = :kept WHERE election_id = :id"),
                         {"kept": kept[key], "id": election_id})
            bind.execute(sa.text("DELETE FROM elections WHERE id = :id"), {"id": election_id})
    op.create_index('uq_elections_identity', 'elections',
                    ['kind', 'round1', 'scope', 'territory'], unique=True)


def downgrade():
    # Plain DROP COLUMN (SQLite >= 3.35, PostgreSQL): rebuilding campaigns or elections would
    # trip the foreign keys of the ledger tables that name them.
    op.drop_index('uq_elections_identity', table_name='elections')
    op.execute("ALTER TABLE campaigns DROP COLUMN election_label")
    op.execute("ALTER TABLE elections DROP COLUMN territory")
    op.execute("ALTER TABLE elections DROP COLUMN scope")
