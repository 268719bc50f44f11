"""ledger evidence: the append-only, hash-chained journal of flags, refund requests and
donor decisions

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-03 09:00:00

A new table only: ledger_entries is not rebuilt, so its triggers and digests are untouched.
The flags, refund requests, merges and keep-apart decisions already stored get one event each
(kind ``<subject>.existing``) holding their state at upgrade time, so ``estrade ledger verify``
checks them from now on. The recorded fields are frozen here as they were at this revision.
"""
from alembic import op
import sqlalchemy as sa

from app.core.finance.chain import GENESIS, event_digest, plain


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0006'
branch_labels = None
depends_on = None

#: (subject, table, recorded fields, scope, link column) as app.ledger.evidence declares them.
SUBJECTS = (
    ("flag", "compliance_flags",
     ("entry_id", "campaign_id", "rule", "amount_cents", "message", "created_at",
      "resolved_entry_id", "resolved_at"), "campaign", "entry_id"),
    ("refund_request", "refund_requests",
     ("entry_id", "flag_id", "charge_id", "amount_cents", "reason", "status", "created_at",
      "approved_by_id", "approved_at", "stripe_refund_id"), "campaign", "entry_id"),
    ("merge", "donor_merges", ("kept_id", "merged_id", "by_id", "at", "reason"),
     "election", "kept_id"),
    ("distinction", "donor_distinctions", ("first_id", "second_id", "by_id", "at", "reason"),
     "election", "first_id"),
)
DATETIMES = {"created_at", "resolved_at", "approved_at", "at"}


def upgrade():
    op.create_table('ledger_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chain', sa.String(length=40), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('election_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('subject', sa.String(length=40), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_ledger_events_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['election_id'], ['elections.id'], name=op.f('fk_ledger_events_election_id_elections')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_events')),
    sa.UniqueConstraint('chain', 'seq', name=op.f('uq_ledger_events_chain'))
    )
    with op.batch_alter_table('ledger_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_events_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_events_election_id'), ['election_id'], unique=False)

    _journal_existing_rows(op.get_bind())

    # Append-only, also for anyone writing SQL by hand (as ledger_entries, 0002).
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION ledger_events_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'ledger_events is append-only';
            END $$ LANGUAGE plpgsql""")
        op.execute("""
            CREATE TRIGGER ledger_events_no_update BEFORE UPDATE OR DELETE ON ledger_events
            FOR EACH ROW EXECUTE FUNCTION ledger_events_append_only()""")
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(f"""
                CREATE TRIGGER ledger_events_no_{event.lower()} BEFORE {event} ON ledger_events
                BEGIN SELECT RAISE(ABORT, 'ledger_events is append-only'); END""")


def _journal_existing_rows(conn):
    from datetime import UTC, datetime

    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    entries = sa.table('ledger_entries', sa.column('id', sa.Integer),
                       sa.column('campaign_id', sa.Integer), sa.column('election_id', sa.Integer))
    donors = sa.table('donors', sa.column('id', sa.Integer), sa.column('election_id', sa.Integer))
    events = sa.table('ledger_events', *(sa.column(name, kind) for name, kind in (
        ('chain', sa.String), ('campaign_id', sa.Integer), ('election_id', sa.Integer),
        ('seq', sa.Integer), ('kind', sa.String), ('subject', sa.String),
        ('subject_id', sa.Integer), ('data', sa.JSON), ('recorded_at', sa.DateTime),
        ('prev_hash', sa.String), ('hash', sa.String))))
    heads = {}
    for subject, table_name, fields, scope, link in SUBJECTS:
        table = sa.table(table_name, sa.column('id', sa.Integer), *(
            sa.column(name, sa.DateTime if name in DATETIMES else None) for name in fields))
        if scope == "campaign":
            owner = sa.select(table, entries.c.campaign_id.label('owner_campaign_id'),
                              entries.c.election_id.label('owner_election_id')).join(
                entries, table.c[link] == entries.c.id)
        else:
            owner = sa.select(table, sa.null().label('owner_campaign_id'),
                              donors.c.election_id.label('owner_election_id')).join(
                donors, table.c[link] == donors.c.id)
        for row in conn.execute(owner.order_by(table.c.id)).mappings():
            campaign_id, election_id = row['owner_campaign_id'], row['owner_election_id']
            chain = (f"campaign:{campaign_id}" if scope == "campaign"
                     else f"election:{election_id}")
            seq, prev_hash = heads.get(chain, (0, GENESIS))
            fields_ = {"chain": chain, "seq": seq + 1, "kind": f"{subject}.existing",
                       "subject": subject, "subject_id": row['id'],
                       "data": {name: plain(row[name]) for name in fields},
                       "recorded_at": now}
            digest = event_digest(fields_, prev_hash)
            conn.execute(events.insert().values(**fields_, campaign_id=campaign_id,
                                                election_id=election_id, prev_hash=prev_hash,
                                                hash=digest))
            heads[chain] = (seq + 1, digest)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS ledger_events_no_update ON ledger_events")
        op.execute("DROP FUNCTION IF EXISTS ledger_events_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS ledger_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS ledger_events_no_delete")
    with op.batch_alter_table('ledger_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_events_election_id'))
        batch_op.drop_index(batch_op.f('ix_ledger_events_campaign_id'))

    op.drop_table('ledger_events')
