"""Database plumbing: SQLite pragmas, write locks and the one owner of each transaction.

The cap check and the write must happen under one lock (design.md: PostgreSQL
``SELECT … FOR UPDATE``, SQLite ``BEGIN IMMEDIATE``). pysqlite's own transaction handling is
switched off so that SQLAlchemy's "begin" event can emit the BEGIN we choose.

:func:`transaction` is how a view, a CLI command or the webhook owns a write: it takes the
write lock, commits at the end and rolls everything back on any error. Code below them (the
ledger, booking, actions) never commits; :func:`require_transaction` makes it say so.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import stat
import time
from collections.abc import Iterator
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, scoped_session

SQLITE_BEGIN_OPTION = "estrade_sqlite_begin"


@event.listens_for(Engine, "connect")
def _sqlite_connect(dbapi_connection: Any, connection_record: Any) -> None:
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    for _, name, path in cursor.execute("PRAGMA database_list").fetchall():
        if name == "main" and path:  # donor data: the owner's alone (0600)
            restrict_sqlite_file(path)
    with contextlib.suppress(Exception):  # in-memory databases have no WAL: harmless
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA synchronous={sqlite_synchronous()}")
    cursor.close()


SYNCHRONOUS_MODES = ("FULL", "NORMAL")


def sqlite_synchronous() -> str:
    """``ESTRADE_SQLITE_SYNCHRONOUS`` of the app in context (FULL outside one, or when unknown).

    In WAL mode FULL syncs the log at each commit: a commit survives a power cut, at the cost
    of one fsync (about 4 ms here) under the write lock, which caps a writer's commits per
    second. NORMAL syncs at checkpoints only: a commit survives a crash of the app (the log is
    in the kernel's cache), not of the machine, which may lose the last commits but never
    leaves the database corrupt. That is SQLite's usual WAL setting; for a ledger that must
    survive power cuts too, keep FULL or use PostgreSQL (docs/operations.md)."""
    from flask import current_app, has_app_context

    if not has_app_context():
        return "FULL"
    mode = str(current_app.config.get("ESTRADE_SQLITE_SYNCHRONOUS") or "FULL").upper()
    return mode if mode in SYNCHRONOUS_MODES else "FULL"


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn: Any) -> None:
    if conn.dialect.name != "sqlite":
        return
    mode = conn.get_execution_options().get(SQLITE_BEGIN_OPTION, "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


def restrict_sqlite_file(path: str) -> None:
    """0600 on a SQLite database file and its WAL companions (called on each connection)."""
    for name in (path, f"{path}-wal", f"{path}-shm"):
        try:
            mode = os.stat(name).st_mode
            if stat.S_IMODE(mode) & 0o077:
                os.chmod(name, 0o600)
        except OSError:
            continue


WRITE_TX = "estrade_write_tx"


def begin_write(session: Any) -> None:
    """Make sure the session's transaction holds SQLite's write lock (BEGIN IMMEDIATE).

    A read-only transaction already open on SQLite is committed first (it wrote nothing), so
    that the cap check reads under the lock. On PostgreSQL rows are locked with
    ``with_for_update()`` instead, and the open transaction is kept.
    """
    real = _real(session)
    if real.get_bind().dialect.name != "sqlite":
        return
    if real.in_transaction():
        if real.info.get(WRITE_TX):
            return
        if real.new or real.dirty or real.deleted:
            raise RuntimeError("begin_write() after unflushed changes: call it first")
        real.commit()
    _queue_for_write(real)
    try:
        real.connection(execution_options={SQLITE_BEGIN_OPTION: "IMMEDIATE"})
    except BaseException:
        _leave_write_queue(real)
        raise
    real.info[WRITE_TX] = True


WRITE_QUEUE = "estrade_sqlite_write_queue"


def _queue_for_write(real: Session) -> None:
    """Wait for the SQLite write lock in the kernel's queue instead of SQLite's busy handler.

    With several processes writing (gunicorn workers at a donation peak), a writer that finds
    the database locked sleeps in SQLite's busy handler in steps of up to 100 ms and misses
    the moment the lock is free (bench/webhook_bench.py: 4 webhooks/s with 4 workers).
    An exclusive ``flock`` on ``<database>.writers`` taken before ``BEGIN IMMEDIATE`` (one
    open file per transaction, so threads queue too), polled every half millisecond, lets the
    next writer in as soon as the previous one commits; it is released when the transaction
    ends, or by the kernel if the process dies. After 30 s the writer goes on to SQLite's own
    lock and busy timeout, as every writer did before.
    """
    bind = real.get_bind()
    path = (bind.engine if isinstance(bind, Connection) else bind).url.database
    if not path or path == ":memory:" or path.startswith("file:"):
        return
    try:
        fd = os.open(f"{path}.writers", os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        return  # a read-only folder: SQLite's busy handler alone, as before
    deadline = time.monotonic() + WRITE_QUEUE_SECONDS
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() > deadline:  # never wait for ever (a writer in this very
                os.close(fd)                 # thread): SQLite's busy timeout decides then
                return
            time.sleep(0.0005)
        except OSError:
            os.close(fd)
            return
    real.info[WRITE_QUEUE] = fd


WRITE_QUEUE_SECONDS = 30.0  # as long as SQLite's busy_timeout


def _leave_write_queue(session: Any) -> None:
    fd = session.info.pop(WRITE_QUEUE, None)
    if fd is not None:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


OWNER = "estrade_transaction_owner"


class NoTransactionError(RuntimeError):
    """A write was attempted outside :func:`transaction` (a programming error)."""


def _real(session: Any) -> Session:
    real: Session = session() if isinstance(session, scoped_session) else session
    return real


@contextlib.contextmanager
def transaction(session: Any = None, *, dry_run: bool = False) -> Iterator[Any]:
    """Own one write transaction: write lock, commit at the end (roll back with ``dry_run``),
    roll back on any error. Not reentrant: the outermost owner is the only one."""
    if session is None:
        from app.extensions import db

        session = db.session
    real = _real(session)
    if real.info.get(OWNER):
        raise RuntimeError("transaction() inside transaction(): only the outer one commits")
    begin_write(session)
    real.info[OWNER] = True
    try:
        yield session
        if dry_run:
            session.rollback()
        else:
            session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        real.info.pop(OWNER, None)


def require_transaction(session: Any) -> None:
    """Refuse a write made outside :func:`transaction` (it would never be committed, or be
    committed by whoever commits next)."""
    if not _real(session).info.get(OWNER):
        raise NoTransactionError("ledger write outside transaction(): the view, CLI command or "
                                 "webhook owning the write must open it")


def in_transaction(session: Any) -> bool:
    return bool(_real(session).info.get(OWNER))


@event.listens_for(Session, "after_transaction_end")
def _forget_write_tx(session: Any, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop(WRITE_TX, None)
        _leave_write_queue(session)


def engine_options(url: str) -> dict[str, Any]:
    options: dict[str, Any] = {"pool_pre_ping": True}
    if url.startswith("sqlite"):
        options["connect_args"] = {"timeout": 30, "check_same_thread": False}
    return options
