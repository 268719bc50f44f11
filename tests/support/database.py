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


def migrated_sqlite(path: Path, instance: Path, cache: Path | None) -> None:
    """``path``: a SQLite database with every migration applied. Migrating takes about a
    second per test process; the result is kept in ``cache`` (pytest's cache folder, shared by
    the workers and the runs) under a key made of the migrations' text and the versions of
    SQLAlchemy and Alembic, so a changed migration is always run again."""
    if cache is None:
        migrate(f"sqlite:///{path}", instance)
        return
    import hashlib
    import shutil

    import alembic

    root = Path(__file__).resolve().parents[2]
    digest = hashlib.sha256(f"{sa.__version__} {alembic.__version__}".encode())
    for source in sorted([*(root / "migrations").rglob("*"), root / "app" / "schema.py"]):
        if source.is_file() and "__pycache__" not in source.parts:
            digest.update(str(source.relative_to(root)).encode() + b"\0" + source.read_bytes())
    stored = cache / f"migrated-{digest.hexdigest()[:20]}.sqlite"
    if not stored.is_file():
        migrate(f"sqlite:///{path}", instance)
        cache.mkdir(parents=True, exist_ok=True)
        partial = stored.with_name(f"{stored.name}.{os.getpid()}.part")
        shutil.copy(path, partial)
        os.replace(partial, stored)  # two workers may race: either copy is the same schema
        return
    shutil.copy(stored, path)


def truncate_all(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        tables = [t.name for t in db.metadata.sorted_tables]
        conn.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    engine.dispose()


#: The append-only tables and their guards (migrations 0002 and 0008).
APPEND_ONLY = ("ledger_entries", "ledger_events")


def tamper(sql: str) -> None:
    """What someone with raw database access could do: drop the guards (the ORM's and the
    append-only triggers of the ledger and of its evidence journal), then edit, delete or
    insert rows."""
    dialect = db.engine.dialect.name
    if dialect == "postgresql":
        for table in APPEND_ONLY:
            db.session.execute(sa.text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
    else:
        for table in APPEND_ONLY:
            for event in ("update", "delete"):
                db.session.execute(sa.text(f"DROP TRIGGER IF EXISTS {table}_no_{event}"))
    db.session.execute(sa.text(sql))
    if dialect == "postgresql":
        for table in APPEND_ONLY:
            db.session.execute(sa.text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))
    db.session.commit()
