"""The test databases: SQLite always, PostgreSQL when ESTRADE_TEST_POSTGRES_URL is set. The
schema is always built by running the Alembic migrations, never by ``create_all``."""

from __future__ import annotations

import os
from pathlib import Path

import sqlalchemy as sa

from app import create_app
from app.extensions import db

POSTGRES_URL = os.environ.get("ESTRADE_TEST_POSTGRES_URL", "")
BACKENDS = ["sqlite"] + (["postgres"] if POSTGRES_URL else [])


def migrate(url: str, instance: Path) -> None:
    from app.schema import upgrade_database

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(instance),
                      "SECRET_KEY": "migrate"})
    with app.app_context():
        upgrade_database(app)
        db.engine.dispose()


def truncate_all(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        tables = [t.name for t in db.metadata.sorted_tables]
        conn.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    engine.dispose()


def tamper(sql: str) -> None:
    """What someone with raw database access could do: drop the guard, edit a row."""
    dialect = db.engine.dialect.name
    if dialect == "postgresql":
        db.session.execute(sa.text("ALTER TABLE ledger_entries DISABLE TRIGGER USER"))
    else:
        db.session.execute(sa.text("DROP TRIGGER IF EXISTS ledger_entries_no_update"))
    db.session.execute(sa.text(sql))
    if dialect == "postgresql":
        db.session.execute(sa.text("ALTER TABLE ledger_entries ENABLE TRIGGER USER"))
    db.session.commit()
